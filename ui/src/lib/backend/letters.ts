// The Letters screen's part of the Backend interface (issue 8): previews, Save As and
// Print (native dialogs opened by Rust), the run's letters and case files as jobs with
// progress and cancel, the documents kept, attachments, and the letterhead.
import type { AttachmentDto } from "../bindings/AttachmentDto";
import type { BatchDone } from "../bindings/BatchDone";
import type { CaseFilesDone } from "../bindings/CaseFilesDone";
import type { JobProgress } from "../bindings/JobProgress";
import type { LetterKindDto } from "../bindings/LetterKindDto";
import type { LetterRequest } from "../bindings/LetterRequest";
import type { LetterheadDto } from "../bindings/LetterheadDto";
import type { ProducedDocument } from "../bindings/ProducedDocument";
import type { SavedDocument } from "../bindings/SavedDocument";
import type { StoredDocumentDto } from "../bindings/StoredDocumentDto";

export interface LettersBackend {
  /** The letters the screen offers, with a note on each. */
  letterKinds(): Promise<LetterKindDto[]>;
  /** The letter as a PDF (base64), not kept; refused naming what is missing. */
  letterPreview(request: LetterRequest): Promise<ProducedDocument>;
  /** Save As (native dialog); the letter is kept on the debtor's record. `null` when cancelled. */
  letterSave(request: LetterRequest): Promise<SavedDocument | null>;
  /** Keeps the letter and opens it in the system's PDF viewer to print. */
  letterPrint(request: LetterRequest): Promise<SavedDocument>;
  /** The dunning run's letters of `asOf` in one PDF (Save As); `null` when the dialog was cancelled. */
  lettersBatch(asOf: string, job: string, onProgress: (p: JobProgress) => void): Promise<BatchDone | null>;
  /** Case file PDF + ZIP per debtor into a chosen folder; `null` when the dialog was cancelled. */
  caseFilesExport(debtorIds: number[], job: string, onProgress: (p: JobProgress) => void): Promise<CaseFilesDone | null>;
  /** Asks a running batch or export to stop. */
  jobCancel(job: string): Promise<void>;
  /** Documents kept on a debtor's record, newest first. */
  documentsOf(debtorId: number): Promise<StoredDocumentDto[]>;
  /** Save As of a kept document, byte for byte; `null` when cancelled. */
  documentSave(id: number): Promise<SavedDocument | null>;
  /** A debtor's attachments. */
  attachmentsOf(debtorId: number): Promise<AttachmentDto[]>;
  /** Attaches a file picked in a native dialog; `null` when cancelled. */
  attachmentAdd(debtorId: number): Promise<AttachmentDto | null>;
  letterheadGet(): Promise<LetterheadDto>;
  /** Saves the letterhead; bad fields come back in `fields`. */
  letterheadSet(letterhead: LetterheadDto): Promise<LetterheadDto>;
  /** A sample letter drawn with unsaved letterhead values. */
  letterheadSample(letterhead: LetterheadDto): Promise<ProducedDocument>;
}
