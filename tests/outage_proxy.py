"""A TCP proxy in front of the emulator that can play a Bot API outage: refuse connections,
or answer 502 to everything, then carry on as before."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

BAD_GATEWAY = b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class OutageProxy:
    """Forwards 127.0.0.1:`port` to the upstream port; down() refuses, bad_gateway() 502s."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self.mode = "up"
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        """Listen (again, on the same port once it was chosen)."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        """Refuse connections and drop the open ones, as when the API's process is killed."""
        self.mode = "down"
        if self._server is not None:
            self._server.close()
            self._server = None
        self._drop_connections()

    async def up(self) -> None:
        """Forward again."""
        self.mode = "up"
        if self._server is None:
            await self.start()

    def bad_gateway(self) -> None:
        """Answer every request with 502 (a proxy whose upstream is gone)."""
        self.mode = "502"
        self._drop_connections()

    def _drop_connections(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()

    async def close(self) -> None:
        """Stop listening and drop every connection."""
        await self.down()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            if self.mode == "502":
                await reader.read(65536)
                writer.write(BAD_GATEWAY)
                await writer.drain()
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(
                "127.0.0.1", self.upstream_port
            )
            self._writers.add(upstream_writer)
            try:
                await asyncio.gather(
                    self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
                )
            finally:
                self._writers.discard(upstream_writer)
                upstream_writer.transport.abort()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()


@contextlib.asynccontextmanager
async def outage_proxy(upstream_port: int) -> AsyncIterator[OutageProxy]:
    """A running proxy to the upstream port."""
    proxy = OutageProxy(upstream_port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()
