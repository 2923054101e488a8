import type { DataKeyRow, KeySession } from '../backend/index.js';
import { assertWritable, type MemoryScope } from './state.js';

/** Data keys, staged with the transaction like every other table (a rolled-back key is gone). */
export function memoryKeys(scope: MemoryScope): KeySession {
  const copy = (row: DataKeyRow | undefined) => row && { ...row, createdAt: new Date(row.createdAt.getTime()) };
  return {
    async findDataKey(tenant, keyId) {
      return copy(scope.state.dataKeys.find((row) => row.tenant === tenant && row.keyId === keyId));
    },
    async currentDataKey(tenant, subject) {
      let newest: DataKeyRow | undefined;
      for (const row of scope.state.dataKeys) {
        if (row.tenant === tenant && row.subject === subject && (!newest || row.version > newest.version)) newest = row;
      }
      return copy(newest);
    },
    async insertDataKey(row) {
      assertWritable(scope);
      const taken = scope.state.dataKeys.some(
        (other) =>
          other.tenant === row.tenant &&
          (other.keyId === row.keyId || (other.subject === row.subject && other.version === row.version)),
      );
      if (taken) return false;
      scope.state.dataKeys = [...scope.state.dataKeys, copy(row) as DataKeyRow];
      return true;
    },
    async deleteDataKeys(tenant, subject) {
      assertWritable(scope);
      const kept = scope.state.dataKeys.filter((row) => row.tenant !== tenant || row.subject !== subject);
      const deleted = scope.state.dataKeys.length - kept.length;
      scope.state.dataKeys = kept;
      return deleted;
    },
  };
}
