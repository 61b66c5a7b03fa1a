// Letters for the in-memory backend (Vitest and the plain-browser preview). It holds no
// invoices, so a letter is a tiny fixed one-page PDF naming the debtor and kind, refused
// (as the real one is) when the debtor has no postal address. Save As, Print and the
// jobs have no file system here: they keep the document in memory and report progress.
import type { ApiError } from "../bindings/ApiError";
import type { AttachmentDto } from "../bindings/AttachmentDto";
import type { Debtor } from "../bindings/Debtor";
import type { JobProgress } from "../bindings/JobProgress";
import type { LetterKindDto } from "../bindings/LetterKindDto";
import type { LetterRequest } from "../bindings/LetterRequest";
import type { LetterheadDto } from "../bindings/LetterheadDto";
import type { ProducedDocument } from "../bindings/ProducedDocument";
import type { SavedDocument } from "../bindings/SavedDocument";
import type { StoredDocumentDto } from "../bindings/StoredDocumentDto";
import type { LettersBackend } from "./letters";
import type { BatchDone } from "../bindings/BatchDone";
import type { CaseFilesDone } from "../bindings/CaseFilesDone";

function fail(code: ApiError["code"], message: string, field?: string): never {
  const error: ApiError = field ? { code, message, fields: [{ field, message }] } : { code, message };
  throw error;
}

export const LETTER_KINDS: LetterKindDto[] = [
  { kind: "reminder", title: "Payment reminder", note: "Friendly first reminder; no interest claimed." },
  { kind: "second-reminder", title: "Second payment reminder", note: "Second reminder; no interest claimed." },
  { kind: "final-demand", title: "Final demand", note: "Final demand with a deadline, interest and compensation." },
  { kind: "letter-of-claim", title: "Letter of claim", note: "UK Pre-Action Protocol letter to an individual or sole trader; needs the agreement date." },
  { kind: "letter-before-claim", title: "Letter before claim", note: "UK letter before claim to a company." },
  { kind: "mahnung", title: "Mahnung", note: "German Mahnung (with the fee from Settings)." },
  { kind: "us-demand", title: "Demand for payment", note: "US first-party demand letter." },
  { kind: "validation-notice", title: "Validation notice", note: "US Regulation F validation notice; only for third-party collectors." },
];

/** A minimal valid one-page PDF (A4) showing `lines` in Helvetica; ASCII only. */
export function tinyPdf(lines: string[]): Uint8Array {
  const esc = (s: string) => s.replace(/[^\x20-\x7e]/g, "?").replace(/([\\()])/g, "\\$1");
  const text = lines.map((l, i) => `BT /F1 ${i === 0 ? 16 : 11} Tf 72 ${770 - i * 22} Td (${esc(l)}) Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  bytes.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s);
}

/** Not a cryptographic hash: the memory backend only needs a stable fingerprint. */
function fingerprint(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  bytes.forEach((b) => (h = Math.imul(h ^ b, 0x01000193) >>> 0));
  return h.toString(16).padStart(8, "0").repeat(8);
}

const emptyLetterhead = (): LetterheadDto => ({
  name: "", address_lines: "", postal_code: "", city: "", country: "", phone: "", email: "", website: "",
  registration: "", tax_id: "", account_holder: "", bank_name: "", iban: "", bic: "", account_number: "",
  sort_code: "", routing_number: "", signatory: "", page_size: "", jurisdiction: "", dunning_fee: "",
  third_party_collector: false,
  logo_base64: "",
  accounts: [],
});

export class MemoryLetters implements LettersBackend {
  private documents: (StoredDocumentDto & { debtorId: number })[] = [];
  private attachments: (AttachmentDto & { debtorId: number })[] = [];
  private head: LetterheadDto = emptyLetterhead();
  private cancelled = new Set<string>();
  private nextId = 1;

  constructor(
    private readonly debtor: (id: number) => Debtor,
    private readonly debtorIds: () => number[],
  ) {}

  async letterKinds(): Promise<LetterKindDto[]> {
    return LETTER_KINDS;
  }

  private render(request: LetterRequest): ProducedDocument {
    const kind = LETTER_KINDS.find((k) => k.kind === request.kind);
    if (!kind) fail("invalid_input", `kind: "${request.kind}" is not a letter`, "kind");
    const d = this.debtor(request.debtor_id);
    const missing: string[] = [];
    if (d.address_lines.trim() === "" && d.city.trim() === "") missing.push("the debtor's postal address");
    if (kind.kind === "letter-of-claim" && request.agreement_date.trim() === "") missing.push("the date of the agreement");
    if (missing.length > 0) fail("validation", `${kind.title} for ${d.name} cannot be produced: it needs ${missing.join(", ")}.`);
    const bytes = tinyPdf([kind.title, d.name, `Date: ${request.as_of || "today"}`, request.deadline ? `Pay by ${request.deadline}` : ""]);
    return {
      document_id: null,
      title: `${kind.title}: ${d.name}`,
      file_name: `${kind.kind}-D${d.id}.pdf`,
      sha256: fingerprint(bytes),
      size_bytes: bytes.length,
      pdf_base64: toBase64(bytes),
      notes: [],
    };
  }

  private keep(debtorId: number, kind: string, p: ProducedDocument): SavedDocument {
    const id = this.nextId++;
    this.documents.unshift({
      id, debtorId, kind, title: p.title, file_name: p.file_name, sha256: p.sha256, size_bytes: p.size_bytes,
      created_at: new Date().toISOString(),
    });
    return { path: p.file_name, file_name: p.file_name, title: p.title, sha256: p.sha256, size_bytes: p.size_bytes, letters: 1, document_ids: [id] };
  }

  async letterPreview(request: LetterRequest): Promise<ProducedDocument> {
    return this.render(request);
  }

  async letterSave(request: LetterRequest): Promise<SavedDocument | null> {
    return this.keep(request.debtor_id, request.kind, this.render(request));
  }

  async letterPrint(request: LetterRequest): Promise<SavedDocument> {
    return this.keep(request.debtor_id, request.kind, this.render(request));
  }

  async lettersBatch(asOf: string, job: string, onProgress: (p: JobProgress) => void): Promise<BatchDone | null> {
    const ids = this.debtorIds().filter((id) => {
      const d = this.debtor(id);
      return d.address_lines.trim() !== "" || d.city.trim() !== "";
    });
    if (ids.length === 0) fail("not_found", `No debtor is due a letter on ${asOf}.`);
    const kept: number[] = [];
    const letters: [number, ReturnType<MemoryLetters["render"]>][] = [];
    for (const [i, id] of ids.entries()) {
      // As in Rust: a cancel stops the rendering, before anything is kept.
      if (this.cancelled.delete(job)) return { cancelled: true, saved: null, notes: [] };
      onProgress({ phase: "rendering", done: i, total: ids.length });
      await new Promise((r) => setTimeout(r, 0));
      letters.push([id, this.render({ debtor_id: id, kind: "reminder", as_of: asOf, deadline: "", agreement_date: "", page_size: "", override_reason: "" })]);
    }
    for (const [id, p] of letters) kept.push(...this.keep(id, "reminder", p).document_ids);
    onProgress({ phase: "done", done: ids.length, total: ids.length });
    const name = `dunning-run-${asOf}.pdf`;
    return { cancelled: false, saved: { path: name, file_name: name, title: `Dunning run ${asOf}`, sha256: "", size_bytes: 0, letters: ids.length, document_ids: kept }, notes: [] };
  }

  async caseFilesExport(debtorIds: number[], job: string, onProgress: (p: JobProgress) => void): Promise<CaseFilesDone | null> {
    if (debtorIds.length === 0) fail("invalid_input", "debtor_ids: choose at least one debtor.");
    const files: string[] = [];
    let exported = 0;
    let cancelled = false;
    for (const id of debtorIds) {
      if (this.cancelled.delete(job)) {
        cancelled = true;
        break;
      }
      onProgress({ phase: "exporting", done: exported, total: debtorIds.length });
      await new Promise((r) => setTimeout(r, 0));
      files.push(`case-file-D${id}.pdf`, `case-file-D${id}.zip`);
      exported += 1;
    }
    onProgress({ phase: "done", done: exported, total: debtorIds.length });
    return { folder: "memory", files, exported, requested: debtorIds.length, cancelled };
  }

  async jobCancel(job: string): Promise<void> {
    this.cancelled.add(job);
  }

  async documentsOf(debtorId: number): Promise<StoredDocumentDto[]> {
    this.debtor(debtorId);
    return this.documents.filter((d) => d.debtorId === debtorId).map(({ debtorId: _, ...d }) => d);
  }

  async documentSave(id: number): Promise<SavedDocument | null> {
    const d = this.documents.find((x) => x.id === id) ?? fail("not_found", `Document ${id} does not exist.`);
    return { path: d.file_name, file_name: d.file_name, title: d.title, sha256: d.sha256, size_bytes: d.size_bytes, letters: 1, document_ids: [id] };
  }

  async attachmentsOf(debtorId: number): Promise<AttachmentDto[]> {
    this.debtor(debtorId);
    return this.attachments.filter((a) => a.debtorId === debtorId).map(({ debtorId: _, ...a }) => a);
  }

  async attachmentAdd(debtorId: number): Promise<AttachmentDto | null> {
    this.debtor(debtorId);
    const bytes = new TextEncoder().encode(`attachment ${this.nextId}`);
    const a = {
      id: this.nextId++, debtorId, invoice_id: null, file_name: "contract.pdf", content_type: "application/pdf",
      sha256: fingerprint(bytes), size_bytes: bytes.length, created_at: new Date().toISOString(),
    };
    this.attachments.push(a);
    const { debtorId: _, ...dto } = a;
    return dto;
  }

  async letterheadGet(): Promise<LetterheadDto> {
    return { ...this.head };
  }

  async letterheadSet(letterhead: LetterheadDto): Promise<LetterheadDto> {
    if (letterhead.name.trim() === "") fail("validation", "The company name is required.", "name");
    this.head = { ...letterhead };
    return { ...this.head };
  }

  async letterheadSample(letterhead: LetterheadDto): Promise<ProducedDocument> {
    const bytes = tinyPdf([letterhead.name || "(company name)", letterhead.address_lines.split("\n")[0] ?? "", "Final demand (sample)"]);
    return { document_id: null, title: "Sample", file_name: "sample.pdf", sha256: fingerprint(bytes), size_bytes: bytes.length, pdf_base64: toBase64(bytes), notes: [] };
  }
}
