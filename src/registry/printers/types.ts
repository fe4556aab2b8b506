import type { KObject } from '../../api/types.js';

/** meta/v1 TableColumnDefinition. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** meta/v1 TableRowCondition. */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TablePrinter {
  /** In kube's order, wide columns (priority 1) included. */
  columns: TableColumnDefinition[];
  /**
   * One row's cells, same order as the columns (kube-apiserver always generates the wide form).
   * May throw when kube's row function returns an error (e.g. an unparsable ownerReference apiVersion).
   */
  cells(obj: KObject, now: Date): unknown[];
  /** The row's conditions (TableRow.conditions); an empty array means kube leaves them unset. */
  conditions?(obj: KObject): TableRowCondition[];
}
