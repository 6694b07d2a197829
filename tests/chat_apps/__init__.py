from pathlib import Path

#: The interactive test app and Chainlit's documented examples (kept as its docs print
#: them, only the import changed), by the app names the test settings give them.
INTERACTIVE_APPS = {
    "interactive": "tests.chat_apps.interactive",
    "files": "tests.chat_apps.files_app",
    "custom-elements": "tests.chat_apps.custom_elements",
    "data-layers": "tests.chat_apps.data_layers",
    "config-overrides": "tests.chat_apps.overrides",
    "copilot-calls": "tests.chat_apps.copilot_calls",
    "llm-calls": "tests.chat_apps.llm_calls",
    "llama-index": "tests.chat_apps.llama_index_app",
    "langchain": "tests.chat_apps.langchain_app",
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
    # Chainlit's own end-to-end apps, as Chainlit wrote them (tests/chainlit_e2e).
    "e2e-action": "tests.chainlit_e2e.action.main",
    "e2e-context": "tests.chainlit_e2e.context.main",
    "e2e-streaming": "tests.chainlit_e2e.streaming.main",
    "e2e-stop-task": "tests.chainlit_e2e.stop_task.main_async",
    "e2e-starters": "tests.chainlit_e2e.starters.main",
    "e2e-starters-categories": "tests.chainlit_e2e.starters_categories.main",
    "e2e-blinking-cursor": "tests.chainlit_e2e.blinking_cursor.main",
    "e2e-file-element": "tests.chainlit_e2e.file_element.main",
    "e2e-pyplot": "tests.chainlit_e2e.pyplot.main",
    "e2e-plotly": "tests.chainlit_e2e.plotly.main",
    "e2e-dataframe": "tests.chainlit_e2e.dataframe.main",
    "e2e-elements": "tests.chainlit_e2e.elements.main",
    "e2e-pdf-viewer": "tests.chainlit_e2e.pdf_viewer.main",
    "e2e-sidebar": "tests.chainlit_e2e.sidebar.main",
    "e2e-chat-settings": "tests.chainlit_e2e.chat_settings.main",
    "e2e-step-icon": "tests.chainlit_e2e.step_icon.main",
    "e2e-tasklist": "tests.chainlit_e2e.tasklist.main",
    "e2e-ask-file": "tests.chainlit_e2e.ask_file.main",
    "e2e-edit-message": "tests.chainlit_e2e.edit_message.main",
    "e2e-command": "tests.chainlit_e2e.command.main",
    "e2e-modes": "tests.chainlit_e2e.modes.main",
    "e2e-user-env": "tests.chainlit_e2e.user_env.main",
    "e2e-remove-elements": "tests.chainlit_e2e.remove_elements.main",
    "e2e-audio-element": "tests.chainlit_e2e.audio_element.main",
    "e2e-step-sync": "tests.chainlit_e2e.step.main_sync",
    "e2e-custom-element": "tests.chainlit_e2e.custom_element.main",
    "e2e-ask-custom-element": "tests.chainlit_e2e.ask_custom_element.main",
    "e2e-custom-element-command": "tests.chainlit_e2e.custom_element_command.main",
    "e2e-data-layer": "tests.chainlit_e2e.data_layer.main",
    "e2e-copilot": "tests.chainlit_e2e.copilot.main",
    "e2e-window-message": "tests.chainlit_e2e.window_message.main",
    "e2e-thread-resume": "tests.chainlit_e2e.thread_resume.main",
    # Both log "admin" in through a password_auth_callback: chat_profiles' says its role,
    # and comes first, so its cl.User is the one that logs in (the first that answers).
    "e2e-chat-profiles": "tests.chainlit_e2e.chat_profiles.main",
    "e2e-config-overrides": "tests.chainlit_e2e.config_overrides.main",
    "e2e-password-auth": "tests.chainlit_e2e.password_auth.main",
    "e2e-custom-element-auth": "tests.chainlit_e2e.custom_element_auth.main",
}

#: Where the custom elements' modules are (elements/<name>.js), for STATICFILES_DIRS:
#: the test apps' static folder, and Chainlit's public/ folder beside each of its apps.
CUSTOM_ELEMENT_DIRS = [
    str(Path(__file__).resolve().parent / "static"),
    *(
        str(Path(__file__).resolve().parents[1] / "chainlit_e2e" / app / "public")
        for app in ("custom_element", "ask_custom_element", "custom_element_command")
    ),
]
