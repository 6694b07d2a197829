"""An OpenAI-compatible server of the tests' own, on loopback: the real HTTP API (chat
completions and responses, plain JSON or SSE streams), so that the openai client, and
our instrumentation of it, run as against OpenAI, Ollama or vLLM.

What it answers is decided by the last user message:
- with tools offered: "weather" calls the first tool with {"city": "Paris"}, "tool:NAME"
  calls NAME with {"topic": "chainlit"}, "inject" calls a tool named with HTML and
  script; after the tool's answer, "The tool said: <its answer>";
- "fail 429" / "fail 500": that status, with OpenAI's error JSON;
- "cut": a stream that stops after two chunks, without its end;
- "forever": a stream of a token every 0.05 s until the client goes (at most 60 s);
- "slow": a token every 0.2 s;
- "hang": nothing for 3 s, then an answer;
- "many": MANY tokens, as fast as it can (the benchmark's);
- anything else: "You said: <the message>", word by word when streamed.
Usage is counted in words. Each request is kept in `requests`, and `disconnects` counts
the streams the client closed before their end.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.servers import LoopbackHTTP

MODEL = "fake-gpt"
#: The tokens of a "many" answer.
MANY = 2000


def _last_user_text(messages: Any) -> str:
    if isinstance(messages, str):
        return messages
    for message in reversed(messages or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):  # parts: [{"type": "input_text", "text": ...}]
                return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
            return str(content)
    return ""


def _answered_tool(messages: Any) -> bool:
    return isinstance(messages, list) and any(
        isinstance(m, dict) and (m.get("role") == "tool" or m.get("type") == "function_call_output")
        for m in messages
    )


def _tool_answer(messages: Any) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "tool":
            return str(message.get("content"))
        if isinstance(message, dict) and message.get("type") == "function_call_output":
            return str(message.get("output"))
    return ""


class FakeOpenAI(LoopbackHTTP):
    def __init__(self, port: int = 0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.disconnects = 0
        super().__init__(_handler(self), port)
        self.base_url = f"{self.base}/v1"

    # -- what it says ---------------------------------------------------------------------

    def plan(self, body: dict[str, Any], messages: Any) -> tuple[str, list[str], dict[str, Any] | None]:
        """(kind, words of the answer, the tool call if any) for a request."""
        text = _last_user_text(messages)
        tools = body.get("tools") or []
        if "fail 429" in text:
            return "429", [], None
        if "fail 500" in text:
            return "500", [], None
        if tools and not _answered_tool(messages):
            named = [t.get("function", {}).get("name") or t.get("name") or "tool" for t in tools]
            if "weather" in text:
                return (
                    "tool",
                    [],
                    {"id": "call_1", "name": named[0], "arguments": json.dumps({"city": "Paris"})},
                )
            asked = next((name for name in named if f"tool:{name}" in text), None)
            if asked:
                return (
                    "tool",
                    [],
                    {"id": "call_1", "name": asked, "arguments": json.dumps({"topic": "chainlit"})},
                )
            if "inject" in text:  # what a prompt-injected model may name
                injected = json.dumps({"topic": "<script>alert(2)</script>"})
                return (
                    "tool",
                    [],
                    {"id": "call_1", "name": "<img src=x onerror=alert(1)>", "arguments": injected},
                )
        if _answered_tool(messages):
            return "text", f"The tool said: {_tool_answer(messages)}".split(" "), None
        if "many" in text:  # the benchmark's long answer
            return "text", ["tok"] * MANY, None
        if "hang" in text:  # says nothing for 3 s: a client with a shorter timeout gives up
            time.sleep(3)
        kind = next((word for word in ("cut", "forever", "slow") if word in text), "text")
        return kind, f"You said: {text}".split(" "), None


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            fake.requests.append({"path": self.path, **body})
            if self.path == "/v1/chat/completions":
                self.chat(body)
            elif self.path == "/v1/responses":
                self.responses_api(body)
            else:
                self.send_json(
                    404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}}
                )

        # -- plumbing ---------------------------------------------------------------------

        def send_json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def refuse(self, kind: str) -> None:
            status = int(kind)
            error = "rate_limit_exceeded" if status == 429 else "server_error"
            self.send_json(status, {"error": {"message": f"fake {status}", "type": error, "code": error}})

        def events(self, events: Iterator[dict[str, Any] | str], pause: float, cut_after: int | None) -> None:
            """An SSE stream, in chunked encoding: a cut drops the connection mid-body, which
            the client sees as a broken stream, not as its end."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for sent, event in enumerate(events):
                    if cut_after is not None and sent >= cut_after:
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    line = event if isinstance(event, str) else json.dumps(event)
                    data = f"data: {line}\n\n".encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.flush()
                    if pause:
                        time.sleep(pause)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                fake.disconnects += 1

        @staticmethod
        def timing(kind: str) -> tuple[float, int | None, int]:
            """(pause between events, events before a cut, how many words at most)."""
            if kind == "forever":
                return 0.05, None, 1200
            if kind == "slow":
                return 0.2, None, 1000
            if kind == "cut":
                return 0.0, 3, 1000
            return 0.0, None, 1000

        # -- chat completions -------------------------------------------------------------

        def chat(self, body: dict[str, Any]) -> None:
            messages = body.get("messages") or []
            kind, words, tool = fake.plan(body, messages)
            if kind in ("429", "500"):
                self.refuse(kind)
                return
            usage = {
                "prompt_tokens": len(_last_user_text(messages).split()),
                "completion_tokens": len(words),
                "total_tokens": len(_last_user_text(messages).split()) + len(words),
            }
            base = {"id": "chatcmpl-1", "created": int(time.time()), "model": body.get("model", MODEL)}
            if not body.get("stream"):
                message: dict[str, Any] = {"role": "assistant", "content": " ".join(words) if words else None}
                if tool:
                    message["tool_calls"] = [
                        {
                            "id": tool["id"],
                            "type": "function",
                            "function": {"name": tool["name"], "arguments": tool["arguments"]},
                        }
                    ]
                choice = {"index": 0, "message": message, "finish_reason": "tool_calls" if tool else "stop"}
                self.send_json(
                    200, {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
                )
                return
            pause, cut_after, most = self.timing(kind)

            def chunks() -> Iterator[dict[str, Any] | str]:
                chunk = {**base, "object": "chat.completion.chunk"}
                yield {
                    **chunk,
                    "choices": [
                        {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
                    ],
                }
                if tool:
                    call = {
                        "index": 0,
                        "id": tool["id"],
                        "type": "function",
                        "function": {"name": tool["name"], "arguments": ""},
                    }
                    yield {
                        **chunk,
                        "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": None}],
                    }
                    half = len(tool["arguments"]) // 2
                    for part in (tool["arguments"][:half], tool["arguments"][half:]):
                        piece = {"index": 0, "function": {"arguments": part}}
                        yield {
                            **chunk,
                            "choices": [
                                {"index": 0, "delta": {"tool_calls": [piece]}, "finish_reason": None}
                            ],
                        }
                    yield {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}
                else:
                    repeated = words if kind != "forever" else (words * most)[:most]
                    for index, word in enumerate(repeated):
                        token = word if index == 0 else " " + word
                        yield {
                            **chunk,
                            "choices": [{"index": 0, "delta": {"content": token}, "finish_reason": None}],
                        }
                    yield {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                if (body.get("stream_options") or {}).get("include_usage"):
                    yield {**chunk, "choices": [], "usage": usage}
                yield "[DONE]"

            self.events(chunks(), pause, cut_after)

        # -- responses --------------------------------------------------------------------

        def responses_api(self, body: dict[str, Any]) -> None:
            given = body.get("input")
            kind, words, tool = fake.plan(body, given)
            if kind in ("429", "500"):
                self.refuse(kind)
                return
            text = " ".join(words)
            input_tokens = len(_last_user_text(given).split())
            usage = {
                "input_tokens": input_tokens,
                "output_tokens": len(words),
                "total_tokens": input_tokens + len(words),
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens_details": {"reasoning_tokens": 0},
            }
            if tool:
                output: list[dict[str, Any]] = [
                    {
                        "type": "function_call",
                        "id": "fc_1",
                        "call_id": tool["id"],
                        "name": tool["name"],
                        "arguments": tool["arguments"],
                        "status": "completed",
                    }
                ]
            else:
                output = [
                    {
                        "type": "message",
                        "id": "msg_1",
                        "role": "assistant",
                        "status": "completed",
                        "content": [{"type": "output_text", "text": text, "annotations": []}],
                    }
                ]
            response = {
                "id": "resp_1",
                "object": "response",
                "created_at": int(time.time()),
                "model": body.get("model", MODEL),
                "status": "completed",
                "output": output,
                "usage": usage,
                "parallel_tool_calls": True,
                "tool_choice": "auto",
                "tools": body.get("tools") or [],
            }
            if not body.get("stream"):
                self.send_json(200, response)
                return
            pause, cut_after, _ = self.timing(kind)

            def events() -> Iterator[dict[str, Any] | str]:
                number = 0
                yield {
                    "type": "response.created",
                    "sequence_number": number,
                    "response": {**response, "status": "in_progress", "output": [], "usage": None},
                }
                if not tool:
                    for index, word in enumerate(words):
                        number += 1
                        yield {
                            "type": "response.output_text.delta",
                            "sequence_number": number,
                            "item_id": "msg_1",
                            "output_index": 0,
                            "content_index": 0,
                            "delta": word if index == 0 else " " + word,
                            "logprobs": [],
                        }
                number += 1
                yield {"type": "response.completed", "sequence_number": number, "response": response}

            self.events(events(), pause, cut_after)

    return Handler


if __name__ == "__main__":  # python -m tests.fake_openai PORT: the benchmark's, in a process of its own
    import sys

    FakeOpenAI(int(sys.argv[1])).server.serve_forever()
