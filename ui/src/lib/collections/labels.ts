// Words for the collection states and statuses the engine derives.
import type { CollectionStateKind } from "../bindings/CollectionStateKind";
import type { InstallmentStatusDto } from "../bindings/InstallmentStatusDto";
import type { PlanStatusDto } from "../bindings/PlanStatusDto";
import type { PromiseStatusDto } from "../bindings/PromiseStatusDto";
import type { SettlementStatusDto } from "../bindings/SettlementStatusDto";

export const stateLabels: Record<CollectionStateKind, string> = {
  active: "Active",
  paused: "Paused",
  in_default: "In default",
  settled: "Settled",
};

export const installmentLabels: Record<InstallmentStatusDto, string> = {
  open: "Open",
  partly_paid: "Partly paid",
  paid: "Paid",
  missed: "Missed",
};

export const planLabels: Record<PlanStatusDto, string> = {
  active: "Active",
  defaulted: "In default",
  completed: "Completed",
};

export const promiseLabels: Record<PromiseStatusDto, string> = {
  pending: "Pending",
  kept: "Kept",
  partly_kept: "Partly kept",
  broken: "Broken",
};

export const settlementLabels: Record<SettlementStatusDto, string> = {
  offered: "Offered",
  accepted: "Accepted",
  fulfilled: "Paid, rest written off",
  lapsed: "Lapsed",
};
