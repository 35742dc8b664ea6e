import { PageHeader } from "@/components/PageHeader.tsx";

export default function CreditsPage() {
  return (
    <PageHeader title="Credits">
      This page will show your credit balance and the ledger of every top-up and charge.
    </PageHeader>
  );
}
