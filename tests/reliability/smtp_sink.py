"""A real SMTP server in the test process that records what it accepts, so emails sent by a
worker in another process can be counted. Enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT.

Faults on demand:
- ``fail_data = N``: answer 451 to the next N DATA commands (the server is "busy");
- ``fail_each = N``: refuse every message (by Message-ID) with 451 at the end of its data the
  first N times it is offered, as a greylisting server does;
- ``delay = s``: wait ``s`` seconds before each 250 (a slow server);
- ``hold_at = k``: keep the k-th accepted message (once) waiting for its 250 until ``release()``.
  A client that goes away meanwhile has not been told the message was accepted, so it is
  dropped, as a real server must (RFC 5321 §4.1.1.4: the 250 is what commits it).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    at: float  # time.time() when the 250 was sent
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


class SmtpSink:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused = 0
        self.dropped = 0
        self.fail_data = 0
        self.fail_each = 0
        self.delay = 0.0
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self._release = threading.Event()
        self._offered: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._session, "127.0.0.1", 0), self._loop).result(5)
        self._server = server
        self.port = server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()
        # asyncio is not thread-safe: the server is closed by its own loop's thread.
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def reset(self) -> None:
        """Forget what was received and every fault set (between tests)."""
        with self._lock:
            self.received.clear()
            self._offered.clear()
            self.refused = self.dropped = self.fail_data = self.fail_each = 0
            self.delay = 0.0
            self.hold_at = None
            self.holding.clear()
            self._release.clear()

    def release(self) -> None:
        self._release.set()

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        try:
            await reply("220 sink ESMTP")
            while line := await reader.readline():
                verb = line.decode(errors="replace").strip().split(" ")[0].upper()
                if verb == "EHLO":
                    await reply("250-sink\r\n250 8BITMIME")
                elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                    await reply("250 OK")
                elif verb == "QUIT":
                    await reply("221 bye")
                    break
                elif verb == "DATA":
                    if self._take_data_failure():
                        await reply("451 4.3.0 try again later")
                        continue
                    await reply("354 end with <CRLF>.<CRLF>")
                    gone = lambda: reader.at_eof() or writer.is_closing()  # noqa: E731
                    await reply(await self._accept(await self._data(reader), gone))
                else:
                    await reply("502 not implemented")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _take_data_failure(self) -> bool:
        with self._lock:
            if self.fail_data > 0:
                self.fail_data -= 1
                self.refused += 1
                return True
        return False

    @staticmethod
    async def _data(reader: asyncio.StreamReader) -> bytes:
        lines = []
        while (line := await reader.readline()) != b".\r\n":
            if not line:
                raise asyncio.IncompleteReadError(b"", None)
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    async def _accept(self, data: bytes, gone) -> str:
        message = message_from_bytes(data, policy=policy.default)
        with self._lock:
            self._offered[message["Message-ID"]] += 1
            if self._offered[message["Message-ID"]] <= self.fail_each:
                self.refused += 1
                return "451 4.7.1 greylisted, try again later"
            hold = self.hold_at is not None and len(self.received) + 1 == self.hold_at
            if hold:
                self.hold_at = None  # once
        await asyncio.sleep(self.delay)
        if hold:
            self.holding.set()
            while not self._release.is_set() and not gone():
                await asyncio.sleep(0.02)
            if gone():
                with self._lock:
                    self.dropped += 1
                raise ConnectionError("the client went away before the 250")
        with self._lock:
            self.received.append(Received(time.time(), message))
        return "250 2.0.0 queued"
