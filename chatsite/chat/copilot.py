"""The demo's copilot: the chat on the product page. It knows which page and product it is
on, calls the page's highlight function, and talks with the page by window messages."""

import chatsessions as cl


@cl.on_chat_start
async def start() -> None:
    page = cl.context.session.page
    shown = (page.get("object") or {}).get("name") if cl.context.session.client_type == "copilot" else None
    where = f"You are looking at the {shown}." if shown else "Open me from a product page to talk about it."
    await cl.Message(f"Hi! {where} Say “highlight” and I will point it out.").send()


@cl.on_message
async def reply(message: cl.Message) -> None:
    if message.type == "system_message":
        await cl.Message(f"The page says: {message.content}").send()
    elif "highlight" in message.content.lower() and cl.context.session.client_type == "copilot":
        done = await cl.CopilotFunction(name="highlight", args={"text": message.content}).acall()
        await cl.Message(f"Done: {done}.").send()
    else:
        await cl.send_window_message(f"The chat heard: {message.content}")
        await cl.Message(f"You said “{message.content}”. I told the page too.").send()


@cl.on_window_message
async def from_page(data: object) -> None:
    await cl.Message(f"The page posted: {data}").send()
