import "../openapi.ts";
import "./protocol.ts";
