import { PageHeader } from "@/components/PageHeader.tsx";

export default function AssistantPage() {
  return (
    <PageHeader title="Assistant">
      This page will hold the full-page chat with the assistant and your conversation list. The
      assistant reads your real data, acts through tools, and asks for your approval before anything
      that spends money.
    </PageHeader>
  );
}
