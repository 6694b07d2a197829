#: The interactive test app and Chainlit's documented examples (kept as its docs print
#: them, only the import changed), by the app names the test settings give them.
INTERACTIVE_APPS = {
    "interactive": "tests.chat_apps.interactive",
    "files": "tests.chat_apps.files_app",
    **{
        f"cl-{name.replace('_', '-')}": f"tests.chat_apps.chainlit_examples.{name}"
        for name in [
            "ask_user",
            "ask_action",
            "action",
            "step_tool",
            "step_class",
            "step_nested",
            "step_current",
            "starters",
            "ask_file",
            "text_element",
            "pyplot",
            "plotly",
            "message_elements",
        ]
    },
}
