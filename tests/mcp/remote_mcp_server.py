"""A real remote MCP server for the `mcp` connector tests: the Python SDK's MCPServer (FastMCP in mcp 1.x) over
Streamable HTTP on loopback, behind a bearer-token check, in a thread of the test process so a test can add a tool,
stop and restart it."""
import threading
import time
from typing import TypedDict

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations

from spojka_server import free_port


class BearerCheck:
    """ASGI middleware: 401 unless `Authorization: Bearer <token>`; records every Authorization it saw."""

    def __init__(self, app, token, seen):
        self.app, self.token, self.seen = app, token, seen

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            auth = headers.get(b"authorization", b"").decode()
            self.seen.append(auth)
            if auth != f"Bearer {self.token}":
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body", "body": b'{"error":"invalid_token"}'})
                return
        await self.app(scope, receive, send)


class Forecast(TypedDict):
    city: str
    days: int
    summary: str


class RemoteMCP:
    """`weather` tools: `forecast` (read-only, structured), `add` (structured int), `shout` (text only)."""

    def __init__(self, token, json_response=False):
        self.token, self.json_response = token, json_response
        self.seen = []
        self.calls = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self.mcp = MCPServer("Weather Remote", version="1.2.3", log_level="WARNING")
        calls = self.calls

        @self.mcp.tool(title="Forecast", annotations=ToolAnnotations(read_only_hint=True))
        def forecast(city: str, days: int = 1) -> Forecast:
            """The weather forecast of a city."""
            calls.append(("forecast", city))
            return Forecast(city=city, days=days, summary=f"Sunny in {city}")

        @self.mcp.tool()
        def add(a: int, b: int) -> int:
            """Adds two integers."""
            calls.append(("add", a + b))
            return a + b

        @self.mcp.tool(structured_output=False)
        def shout(text: str) -> str:
            """Upper-cases a text."""
            calls.append(("shout", text))
            return text.upper()

        self._server = None
        self._thread = None
        self.start()

    def add_tool(self):
        """Adds `wind` (read-only): the server now lists four tools."""
        def wind(city: str) -> dict:
            """The wind speed of a city."""
            return {"city": city, "kmh": 12}
        self.mcp.add_tool(wind, annotations=ToolAnnotations(read_only_hint=True))

    def start(self):
        app = BearerCheck(self.mcp.streamable_http_app(json_response=self.json_response), self.token, self.seen)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        for _ in range(300):
            if self._server.started:
                return
            time.sleep(0.05)
        raise RuntimeError("the remote MCP server did not start")

    def stop(self):
        if self._server:
            self._server.should_exit = True
            self._thread.join(timeout=20)
            self._server = None
