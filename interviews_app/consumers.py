from channels.generic.websocket import AsyncJsonWebsocketConsumer


class InterviewConsumer(AsyncJsonWebsocketConsumer):
    """Placeholder until the interviews issue: accepts, then closes cleanly."""

    async def connect(self):
        await self.accept()
        await self.close(code=1000)
