import { describe, expect, it } from "vitest";
import { runNotice } from "./runNotice";
import type { DunningActionDto } from "../bindings/DunningActionDto";

const action = (status: string) => ({ status }) as DunningActionDto;

describe("daily run notice", () => {
  it("counts what the run did", () => {
    expect(runNotice({ as_of: "2026-05-14", mode: "send", actions: [action("sent"), action("sent"), action("failed")], skipped: [], reconciled: [], warnings: [] }))
      .toBe("Daily collection run for 2026-05-14: 2 sent, 1 failed. See Collections.");
    expect(runNotice({ as_of: "2026-05-14", mode: "plan", actions: [action("planned")], skipped: [], reconciled: [action("sent")], warnings: [] }))
      .toBe("Daily collection run for 2026-05-14: 1 planned for approval, 1 from an interrupted run reconciled. See Collections.");
    expect(runNotice({ as_of: "2026-05-14", mode: "plan", actions: [], skipped: [], reconciled: [], warnings: [] }))
      .toBe("Daily collection run for 2026-05-14: nothing was due. See Collections.");
  });
  it("passes on the warnings to reconcile first", () => {
    const warning = "No bank statement of DE89370400440532013000 has been imported yet.";
    expect(runNotice({ as_of: "2026-05-14", mode: "plan", actions: [], skipped: [], reconciled: [], warnings: [warning] }))
      .toBe(`Daily collection run for 2026-05-14: nothing was due. ${warning} See Collections.`);
  });
});
