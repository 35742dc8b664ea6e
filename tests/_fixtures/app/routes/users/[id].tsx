import type { PageProps } from "$fresh/server.ts";

export default function User({ params }: PageProps) {
  return <h1>user {params.id}</h1>;
}
