/**
 * The REST API over a test backend, and a client whose every response is checked against the
 * published OpenAPI document: the status must be documented for the operation and the body must
 * match its schema (ajv, JSON Schema 2020-12, formats on, undocumented fields rejected).
 * Responses of unknown routes must still be `{"detail"}`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { createApi } from "../../../api/app.ts";
import { AccessTokens } from "../../../auth/access_tokens.ts";
import type { ApiDependencies } from "../../../api/context.ts";
import { createApprovalGrants } from "../../../mcp/grants.ts";
import { OfflineModel } from "../../../agent/models/offline.ts";
import { createAgentRuntime } from "../../../agent/runs/mod.ts";
import type { Domain } from "../../../domain/mod.ts";
import { type Config, loadConfig } from "../../../lib/config.ts";
import type { Logger, LogLevel } from "../../../lib/log.ts";
import { backendTest, type TestBackend } from "../../_helpers/backend.ts";

/** The signing secret of test access tokens. */
export const TEST_JWT_SECRET = "test-secret-key-of-at-least-32-characters!";

/** One captured log line. */
export interface LogLine {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps lines in memory (for assertions) instead of printing them. */
export function memoryLogger(lines: LogLine[] = [], base: Record<string, unknown> = {}): Logger {
  const write = (level: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    lines.push({ level, message, fields: { ...base, ...fields } });
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (fields) => memoryLogger(lines, { ...base, ...fields }),
  };
}

/** A response as the client saw it. */
export interface ApiResponse<Body = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: Body;
  text: string;
}

/** Options of one request. */
export interface RequestOptions {
  token?: string;
  /** A JSON value (serialized) or a raw string body. */
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
}

// deno-lint-ignore no-explicit-any
type Json = any;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  statuses: Map<number, ValidateFunction | null>;
}

const DOC_ID = "https://aae.test/openapi.json";

function pointer(...parts: string[]): string {
  return parts.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
}

/** Forbids properties the document does not list, on every object schema that lists some. */
function closeObjects(node: Json): Json {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = closeObjects(value);
  if (out.type === "object" && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/** Compiles response validators for every operation of an OpenAPI document. */
export function compileDocument(doc: Json): Operation[] {
  const AjvClass = Ajv2020;
  const ajv = new AjvClass({ strict: false, allErrors: true });
  const addFormats = addFormatsModule as unknown as (ajv: InstanceType<typeof AjvClass>) => void;
  addFormats(ajv);
  ajv.addSchema({ ...closeObjects(doc), $id: DOC_ID });
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item as Record<string, Json>)) {
      const statuses = new Map<number, ValidateFunction | null>();
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        const hasJson = (response as Json).content?.["application/json"]?.schema !== undefined;
        const ref = `${DOC_ID}#/${
          pointer("paths", template, method, "responses", status, "content", "application/json")
        }/schema`;
        statuses.set(Number(status), hasJson ? ajv.getSchema(ref) ?? null : null);
      }
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      operations.push({ method: method.toUpperCase(), template, pattern, statuses });
    }
  }
  // Literal paths win over templated ones.
  return operations.sort((a, b) => a.template.split("{").length - b.template.split("{").length);
}

/** Calls the API in-process and checks every response against the document. */
export class ApiClient {
  /** Every operation seen in a response, as `METHOD template`, for coverage checks. */
  readonly covered = new Set<string>();

  constructor(
    readonly handler: (req: Request) => Response | Promise<Response>,
    readonly operations: Operation[],
    readonly origin = "http://localhost",
  ) {}

  /** Sends a request and validates the response; returns it parsed. */
  async request<Body = Json>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<Body>> {
    const headers = new Headers(options.headers);
    if (options.token !== undefined) headers.set("authorization", `Bearer ${options.token}`);
    let body = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const url = new URL(path.startsWith("/api/") ? path : `/api/v1${path}`, this.origin);
    const response = await this.handler(new Request(url, { method, headers, body }));
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    this.check(method, url.pathname, response, parsed);
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  private check(method: string, pathname: string, response: Response, body: Json): void {
    const context = `${method} ${pathname} → ${response.status} ${JSON.stringify(body)}`;
    assert.ok(!/\bat .*\.ts:\d+/.test(JSON.stringify(body)), `stack trace leaked: ${context}`);
    const operation = this.operations.find((op) =>
      op.method === method.toUpperCase() && op.pattern.test(pathname)
    );
    if (!operation) {
      assert.equal(typeof body?.detail, "string", `undocumented route without detail: ${context}`);
      return;
    }
    this.covered.add(`${operation.method} ${operation.template}`);
    assert.ok(operation.statuses.has(response.status), `undocumented status: ${context}`);
    const validate = operation.statuses.get(response.status);
    if (!validate) return;
    assert.match(response.headers.get("content-type") ?? "", /application\/json/, context);
    assert.ok(
      validate(body),
      `body does not match the document: ${context}\n${JSON.stringify(validate.errors, null, 1)}`,
    );
  }
}

/** Everything an API test gets. */
export interface ApiTest {
  backend: TestBackend;
  client: ApiClient;
  deps: ApiDependencies;
  logs: LogLine[];
  /** The OpenAPI document the app publishes. */
  doc: Json;
  /** Registers a user through the API; returns its token pair and user. */
  register(name?: string): Promise<Session>;
}

/** A signed-in user. */
export interface Session {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  userId: string;
}

/** Options of `apiTest`. */
export interface ApiTestOptions {
  config?: Record<string, string>;
  /** Replaces the domain (e.g. with a failing service). */
  domain?: (domain: Domain) => Domain;
}

let emailCounter = 0;

/** Test configuration: generous limits unless a test overrides them. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    JWT_SECRET_KEY: TEST_JWT_SECRET,
    API_RATE_LIMIT_PER_MINUTE: "100000",
    LOGIN_RATE_LIMIT_PER_ACCOUNT: "1000",
    LOGIN_RATE_LIMIT_PER_IP: "100000",
    ...overrides,
  });
}

/** Builds the API on a backend and a validating client for it. */
export async function openApi(
  backend: TestBackend,
  options: ApiTestOptions = {},
): Promise<ApiTest> {
  const logs: LogLine[] = [];
  const domain = options.domain ? options.domain(backend.domain) : backend.domain;
  const accessTokens = await AccessTokens.create(TEST_JWT_SECRET);
  const config = testConfig(options.config);
  const log = memoryLogger(logs);
  // The runtime is built as in production but not started: no recovery loop runs in API tests.
  const runs = createAgentRuntime({
    db: backend.db,
    coordination: backend.coordination,
    domain,
    log,
    config,
    accessTokens,
    approvals: await createApprovalGrants(TEST_JWT_SECRET),
    model: new OfflineModel(),
  });
  const deps: ApiDependencies = {
    domain,
    coordination: backend.coordination,
    accessTokens,
    config,
    log,
    clock: backend.clock,
    runs,
  };
  const app = createApi(deps);
  const info = { remoteAddr: { transport: "tcp" as const, hostname: "127.0.0.1", port: 40000 } };
  const handler = (req: Request) => app.fetch(req, info);
  const doc = await (await handler(new Request("http://localhost/api/v1/openapi.json"))).json();
  const client = new ApiClient(handler, compileDocument(doc));
  return {
    backend,
    client,
    deps,
    logs,
    doc,
    async register(name = "user") {
      emailCounter += 1;
      const email = `${name}-${emailCounter}-${crypto.randomUUID().slice(0, 6)}@example.test`;
      const password = "correct horse battery staple";
      const response = await client.request("POST", "/auth/register", {
        body: { email, password },
      });
      assert.equal(response.status, 201, response.text);
      const data = response.body.data;
      return {
        email,
        password,
        accessToken: data.access_token,
        refreshToken: data.refresh_token,
        userId: data.user.id,
      };
    },
  };
}

/** A `Deno.test` with a fresh backend and the API on it. */
export function apiTest(
  name: string,
  fn: (t: Deno.TestContext, api: ApiTest) => Promise<void>,
  options: ApiTestOptions = {},
): void {
  backendTest(name, async (t, backend) => fn(t, await openApi(backend, options)));
}
