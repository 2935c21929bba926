export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";

export interface BulkOperationState {
  id: number;
  clientId: string;
  query: string;
  type: "QUERY";
  status: BulkStatus;
  errorCode: string | null;
  createdAt: number;
  completedAt: number | null;
  /** Lines written so far (objects) and root objects. */
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** Path of the result file on disk. */
  file: string | null;
  partialFile: string | null;
  /** When the download URLs stop working. */
  urlExpiresAt: number | null;
  /** Set by bulkOperationCancel; the writer stops at the next batch. */
  cancelRequested: boolean;
}
