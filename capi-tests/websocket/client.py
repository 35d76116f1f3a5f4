"""A WebSocket client no one here wrote (the `websockets` package from
PyPI) drives a zmqrs ws:// endpoint with ZWS 2.0 frames, written by hand
here: the echo server of server.c (a ROUTER).

- bare "ZWS2.0" (the form a browser can ask for too: "ZWS2.0/NULL" is
  not an HTTP token, and websockets, like browsers, refuses to send it):
  routing ids first, then a two-part message (MORE in the flags octet) and
  a 1 MiB one, echoed back;
- a WebSocket ping is answered with a pong;
- a second connection, then "quit", which ends the server.

Usage: client.py ENDPOINT   (exit 0 when every check held)
"""

import asyncio
import sys

import websockets

MORE = 0x01


async def bare(ep: str) -> None:
    async with websockets.connect(ep, subprotocols=["ZWS2.0"], max_size=None) as ws:
        assert ws.subprotocol == "ZWS2.0", ws.subprotocol
        await ws.send(b"\x00")  # our routing id: empty
        rid = await ws.recv()
        assert rid == b"\x00", rid  # the ROUTER's (empty) routing id
        await ws.send(bytes([MORE]) + b"part one")
        await ws.send(b"\x00part two")
        assert await ws.recv() == bytes([MORE]) + b"part one"
        assert await ws.recv() == b"\x00part two"
        big = bytes(i % 251 for i in range(1 << 20))
        await ws.send(b"\x00" + big)
        assert await ws.recv() == b"\x00" + big
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 5)
    print("bare ZWS2.0: ok")


async def second(ep: str) -> None:
    async with websockets.connect(ep, subprotocols=["ZWS2.0"]) as ws:
        await ws.send(b"\x00")
        assert await ws.recv() == b"\x00"
        await ws.send(b"\x00hello from python")
        assert await ws.recv() == b"\x00hello from python"
        await ws.send(b"\x00quit")
        assert await ws.recv() == b"\x00quit"
    print("second connection and quit: ok")


async def main(ep: str) -> None:
    await bare(ep)
    await second(ep)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
