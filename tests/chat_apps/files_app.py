"""A chat app for files and elements: it describes the files attached to a message, asks
for files, and sends every kind of element (sound and video with "players")."""

import hashlib
import io
import json
from pathlib import Path

import chatsessions as cl


def png_bytes() -> bytes:
    """A real PNG (a small chart), made by matplotlib."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([1, 2], [2, 1])
    image = io.BytesIO()
    figure.savefig(image, format="png")
    return image.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF, made by matplotlib."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 2))
    figure.text(0.1, 0.5, "A PDF from chatsessions")
    document = io.BytesIO()
    figure.savefig(document, format="pdf")
    return document.getvalue()


def describe(element) -> str:
    data = element.read()
    return f"{element.name} {element.mime} {element.size} {hashlib.sha256(data).hexdigest()[:12]}"


@cl.on_message
async def on_message(message: cl.Message):
    text = message.content
    if text.startswith("ask"):
        # "ask [timeout]": a CSV or two, of at most 1 MB each.
        files = await cl.AskFileMessage(
            content="A CSV, please",
            accept=["text/csv", ".csv"],
            max_files=2,
            max_size_mb=1,
            timeout=float(text.split()[1]) if " " in text else 30,
        ).send()
        await cl.Message(content="got: " + ("; ".join(map(describe, files)) if files else "nothing")).send()
    elif text == "elements":
        from matplotlib.figure import Figure

        figure = Figure()
        figure.add_subplot().bar(["a", "b"], [3, 5])
        await cl.Message(
            content="every kind",
            elements=[
                cl.Image(name="dot", content=png_bytes(), display="inline"),
                cl.Text(name="code", content="print('hi')", language="python"),
                cl.Pdf(name="paper", content=pdf_bytes(), page=1),
                cl.File(name="data.csv", content="a,b\n1,2\n"),
                cl.Plotly(name="bars", figure={"data": [{"type": "bar", "y": [2, 1, 3]}]}),
                cl.Pyplot(name="plot", figure=figure),
                cl.Image(name="remote", url="https://example.com/cat.png"),
            ],
        ).send()
    elif text == "players":
        fixtures = Path(__file__).parent.parent / "fixtures"
        await cl.Message(
            content="sound and video",
            elements=[
                cl.Video(name="clip", path=fixtures / "example.mp4"),
                cl.Audio(name="tune", content=(fixtures / "example.mp3").read_bytes(), auto_play=True),
            ],
        ).send()
    elif text == "not an image":
        await cl.Message(content="never sent", elements=[cl.Image(name="fake", content=b"just text")]).send()
    elif text == "echo":
        await cl.Message(content="your files back", elements=message.elements).send()
    else:
        summary = "; ".join(map(describe, message.elements)) if message.elements else "no files"
        await cl.Message(content=f"{text}: {summary}", elements=[]).send()
        cl.user_session.set("last_files", json.dumps([element.name for element in message.elements]))
