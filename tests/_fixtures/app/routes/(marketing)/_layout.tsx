import type { PageProps } from "$fresh/server.ts";

export default function MarketingLayout({ Component }: PageProps) {
  return (
    <section data-layout="marketing">
      <Component />
    </section>
  );
}
