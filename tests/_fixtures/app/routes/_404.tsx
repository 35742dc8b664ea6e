import type { UnknownPageProps } from "$fresh/server.ts";

export default function NotFound({ url }: UnknownPageProps) {
  return <h1>custom 404 for {url.pathname}</h1>;
}
