import type { PageProps } from "$fresh/server.ts";

export default function RootLayout({ Component }: PageProps) {
  return (
    <div data-layout="root">
      <Component />
    </div>
  );
}
