import type { InvoiceStatusDto } from "../bindings/InvoiceStatusDto";

export const statusLabels: Record<InvoiceStatusDto, string> = {
  open: "Open",
  overdue: "Overdue",
  disputed: "Disputed",
  settled: "Settled",
};
