/**
 * The REST API at `/api/v1`: a Hono app (OpenAPIHono) whose routes, request validation and
 * OpenAPI 3.1 document all come from the same zod schemas. Mount it beside the pages for every
 * path under `/api/`, so that paths outside `/api/v1` get its JSON 404 rather than a page.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { OpenApiDocument } from "./docs_page.tsx";
import { renderDocsPage } from "./docs_page.tsx";
import type { ApiApp, ApiDependencies, ApiEnv, RouteContext } from "./context.ts";
import { handleError, handleNotFound, validationHook } from "./errors.ts";
import { requireAuth } from "./middleware/auth.ts";
import { bodyLimit } from "./middleware/body_limit.ts";
import { idempotency } from "./middleware/idempotency.ts";
import { recordRequest } from "./middleware/metrics.ts";
import { apiRateLimit } from "./middleware/rate_limit.ts";
import { requestContext } from "./middleware/request_context.ts";
import { BEARER_SCHEME } from "./openapi.ts";
import { registerActivityRoutes } from "./routes/activity.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerAdAccountRoutes } from "./routes/ad_accounts.ts";
import { registerAlertRoutes } from "./routes/alerts.ts";
import { registerAuthRoutes } from "./routes/auth.ts";
import { registerCampaignRoutes } from "./routes/campaigns.ts";
import { registerChangeRoutes } from "./routes/changes.ts";
import { registerChatRoutes } from "./routes/chat.ts";
import { registerCreativeRoutes } from "./routes/creatives.ts";
import { registerGoogleRoutes } from "./routes/google.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerNotificationRoutes } from "./routes/notifications.ts";
import { registerRunRoutes } from "./routes/runs.ts";
import { registerRuleRoutes } from "./routes/rules.ts";
import { registerUserRoutes } from "./routes/users.ts";
import { registerWorkflowRunRoutes } from "./routes/workflow_runs.ts";

export type { ApiApp, ApiDependencies } from "./context.ts";

/** Where the API is mounted. */
export const API_BASE_PATH = "/api/v1";

const DESCRIPTION = `REST API of AAE, the Automated Ad Engine.

- **Auth**: \`Authorization: Bearer <token>\` with an access token from \`/auth/login\` or a
  personal API token (\`aae_…\`) from \`/api-tokens\`. Browsers may use the session cookies
  instead; then unsafe methods must come from our own origin.
- **JSON** field names are snake_case, in requests and responses.
- **Results**: single results are \`{"data", "message"}\`; lists are
  \`{"items", "total", "skip", "limit"}\` with \`?skip=0&limit=20\` (max 100).
- **Errors** are \`{"detail": "..."}\`; 422 adds \`errors: [{field, message}]\`.
- **Idempotency**: POSTs accept \`Idempotency-Key\`; a retry with the same key and body replays
  the first success (\`Idempotent-Replayed: true\`), another body with the same key is a 409.
- **Money** is integer minor units of the account currency; ratios are exact decimal strings.
- **Rate limits** answer 429 with \`Retry-After\`.`;

const TAGS = [
  { name: "Health", description: "Liveness for load balancers." },
  { name: "Auth", description: "Registration, sign-in, token refresh and sign-out." },
  { name: "Users", description: "The signed-in user." },
  { name: "API tokens", description: "Personal tokens for scripts and MCP clients." },
  { name: "Ad accounts", description: "Connected advertising accounts." },
  { name: "Campaigns", description: "Campaigns, their status and metrics." },
  { name: "Creatives", description: "Ad copy and media." },
  { name: "Reports", description: "Performance across accounts." },
  { name: "Credits", description: "Credit balance and ledger." },
  { name: "Conversations", description: "Chat history." },
  { name: "Agent runs", description: "Assistant runs: steps, approvals, cancellation." },
  {
    name: "Changes",
    description: "The history of every campaign change, by whom, and rolling changes back.",
  },
  { name: "Approvals", description: "Changes software asked for that wait for a person." },
  {
    name: "Alerts",
    description: "Anomalies found in stored metrics, with their causes and next steps.",
  },
  {
    name: "Rules",
    description: "Automated rules on an ad account's campaigns, and backtests over stored metrics.",
  },
  {
    name: "Workflow runs",
    description: "Durable background runs (each rule evaluation) with their recorded steps.",
  },
  {
    name: "Notifications",
    description: "The in-app bell, notification settings, and signed webhooks.",
  },
  { name: "Admin", description: "Operating the app (admins only): credit usage and grants." },
];

/** Builds the API app; its routes live under `/api/v1`. */
export function createApi(deps: ApiDependencies): ApiApp {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook }).basePath(API_BASE_PATH);
  app.onError(handleError);
  app.notFound(handleNotFound);
  app.use("*", recordRequest, requestContext(deps.log), bodyLimit());

  const authenticated = requireAuth(deps);
  const rateLimited = apiRateLimit(deps);
  const context: RouteContext = {
    deps,
    guards: [authenticated, rateLimited, idempotency(deps)],
    guardsWithoutReplay: [authenticated, rateLimited],
  };
  registerHealthRoutes(app);
  registerAuthRoutes(app, context);
  registerGoogleRoutes(app, context);
  registerUserRoutes(app, context);
  registerAdAccountRoutes(app, context);
  registerCampaignRoutes(app, context);
  registerChangeRoutes(app, context);
  registerAlertRoutes(app, context);
  registerCreativeRoutes(app, context);
  registerActivityRoutes(app, context);
  registerChatRoutes(app, context);
  registerRunRoutes(app, context);
  registerRuleRoutes(app, context);
  registerWorkflowRunRoutes(app, context);
  registerNotificationRoutes(app, context);
  registerAdminRoutes(app, context);

  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "An access token (JWT) or a personal API token (`aae_…`).",
  });
  let document: OpenApiDocument | undefined;
  const openApiDocument = () =>
    document ??= app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "AAE API", version: "1.0.0", description: DESCRIPTION },
      tags: TAGS,
    }) as OpenApiDocument;
  app.get("/openapi.json", (c) => c.json(openApiDocument()));
  app.get("/docs", (c) => c.html(renderDocsPage(openApiDocument())));
  return app;
}
