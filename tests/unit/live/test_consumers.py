"""A client that left first: uvicorn's send raises ClientDisconnected once the connection
is lost, until the consumer reads the disconnect; closing or writing then is no error
(issue 25, finding 4: "Task exception was never retrieved" from a chat's job)."""

from __future__ import annotations

from uvicorn.protocols.utils import ClientDisconnected

from chatsessions.live.consumers import ChatConsumer
from chatsessions.wire.frames import CloseCode


async def lost_connection(message: dict) -> None:
    raise ClientDisconnected()  # what uvicorn's send does after connection_lost


def consumer_of_a_lost_client() -> ChatConsumer:
    consumer = ChatConsumer()
    consumer.base_send = lost_connection
    return consumer


async def test_closing_a_socket_whose_client_left_is_no_error():
    consumer = consumer_of_a_lost_client()
    await consumer.close_now(CloseCode.ENDED_BY_SERVER)
    assert consumer.closed


async def test_writing_to_a_socket_whose_client_left_is_no_error_and_closes_it():
    consumer = consumer_of_a_lost_client()
    await consumer.write('{"type": "message"}')
    assert consumer.closed
