"""chainlit.input_widget's path: `from chatsessions.input_widget import Select, Slider`
(the settings widgets live in handler_api/widgets.py)."""

from .handler_api.widgets import Checkbox, NumberInput, Select, Slider, Switch, TextInput, Widget

#: Chainlit's name for the widgets' base class.
InputWidget = Widget

__all__ = ["Checkbox", "InputWidget", "NumberInput", "Select", "Slider", "Switch", "TextInput", "Widget"]
