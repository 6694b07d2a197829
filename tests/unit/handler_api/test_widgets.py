"""Settings widgets alone: the values a chat's settings frame may carry."""

import pytest

from chatsessions.handler_api.widgets import Select, Slider, validate_settings


def test_settings_values_are_checked_against_the_declared_widgets():
    widgets = [Select("style", "Style", values=["plain", "shouting"], initial="plain"), Slider("t", "T")]
    validate_settings(widgets, {"style": "shouting", "t": 0.5})
    with pytest.raises(ValueError, match="not a declared setting"):
        validate_settings(widgets, {"volume": 11})
    with pytest.raises(ValueError, match="must be one of"):
        validate_settings(widgets, {"style": "whisper"})
