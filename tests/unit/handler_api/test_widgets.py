"""Settings widgets alone: the values a chat's settings frame may carry."""

import pytest

from chatsessions.handler_api.widgets import Checkbox, Select, Slider, validate_settings


def test_settings_values_are_checked_against_the_declared_widgets():
    widgets = [Select("style", "Style", values=["plain", "shouting"], initial="plain"), Slider("t", "T")]
    validate_settings(widgets, {"style": "shouting", "t": 0.5})
    with pytest.raises(ValueError, match="not a declared setting"):
        validate_settings(widgets, {"volume": 11})
    with pytest.raises(ValueError, match="must be one of"):
        validate_settings(widgets, {"style": "whisper"})


def test_a_select_starts_where_chainlit_says_and_labels_its_items():
    assert Select("m", "M", values=["a", "b", "c"], initial_index=2).initial_value() == "c"
    assert Select("m", "M", values=["a", "b"], initial_value="b").initial_value() == "b"
    assert Select("m", "M", values=["a", "b"]).initial_value() == "a"
    picked = Select("m", "M", items={"Small": "s", "Large": "l"}, initial_value="l")
    assert (picked.values, picked.to_dict()["labels"], picked.initial_value()) == (
        ["s", "l"],
        ["Small", "Large"],
        "l",
    )
    validate_settings([picked], {"m": "s"})
    with pytest.raises(ValueError, match="must be one of"):
        validate_settings([picked], {"m": "Small"})  # a label is not a value
    with pytest.raises(ValueError, match="initial_index 3 is not the index of a value"):
        Select("m", "M", values=["a"], initial_index=3)
    with pytest.raises(ValueError, match="must be one of"):
        Select("m", "M", values=["a"], initial="z")
    with pytest.raises(TypeError):
        Select("m", "M", values=["a"], colour="red")


def test_a_disabled_setting_keeps_its_value_and_a_checkbox_is_a_switch():
    locked = Slider("w", "Width", initial=512, min=0, max=2048, step=64, tooltip="px", disabled=True)
    assert locked.to_dict()["tooltip"] == "px" and locked.to_dict()["disabled"] is True
    validate_settings([locked], {"w": 512})  # the page sends every value, this one unchanged
    with pytest.raises(ValueError, match="cannot be changed"):
        validate_settings([locked], {"w": 64})
    box = Checkbox("c", "Check", initial=True)
    assert box.to_dict()["type"] == "checkbox"
    validate_settings([box], {"c": False})
    with pytest.raises(ValueError, match="true or false"):
        validate_settings([box], {"c": "yes"})
