// The replay's reference backend: every MBO record becomes an engine command (NEW_ORDER, CANCEL, MODIFY,
// MASS_CANCEL) run through the engine's own batch loop on command slot 0, so every rule of
// docs/matching-rules.md applies unchanged. Slower (event records, full validation); the tests hold the direct
// backend (fast.ts) to it. Records are written and rejects read through the named offsets of records.ts. Each
// method gets the input row it serves (`row`): the command's ts is that row's ts_recv.
import { CMD, ORDMAP } from '../matching/state';
import { processBatch } from '../matching/commands';
import { firstRejectReason } from '../matching/events';
import { mapGet } from '../matching/idmap';
import { EngineOrders } from '../matching/orders';
import { Q_LEAVES, Q_LEVEL, rec } from '../matching/queued';
import { la, L_PRICE } from '../matching/levels';
import { C_NEW, C_CANCEL, C_MODIFY, C_MASS_CANCEL, T_LIMIT, TIF_DAY, CMD_SIZE } from '../matching/consts';
import { CF_TYPE, CF_SIDE, CF_OTYPE, CF_TIF, CF_INS, CF_OID, CF_PRICE, CF_QTY, CF_ACCOUNT, CF_TS } from '../matching/records';
import { FOUND } from './book';
import { rowTs } from './input';

/** A zeroed command in slot 0 of the given type and ts (zero fields: no stop, no display, account 0, ...). */
function slot0(type: u8, ts: u64): usize {
  const c = CMD;
  memory.fill(c, 0, CMD_SIZE);
  store<u8>(c, type, CF_TYPE);
  store<u64>(c, ts, CF_TS);
  return c;
}

/** Run slot 0; the reject reason, or 0. */
function run1(): u8 {
  return firstRejectReason(processBatch(1));
}

function sendModify(id: u64, price: i64, qty: u32, ts: u64): u8 {
  const c = slot0(C_MODIFY, ts);
  store<u64>(c, id, CF_OID);
  store<i64>(c, price, CF_PRICE);
  store<u32>(c, qty, CF_QTY);
  return run1();
}

/** The engine's resting order s: price and side are its level's (replayed orders always rest). */
function levelOf(s: u32): usize {
  return la(load<u32>(rec<EngineOrders>(s), Q_LEVEL));
}

@unmanaged export class EngineBook {
  /** FOUND | slot when id is live, else 0. */
  lookup(id: u64): u32 {
    const s = mapGet(ORDMAP, id);
    return s == 0 ? 0 : FOUND | s;
  }
  slotOf(r: u32): u32 {
    return r & ~FOUND;
  }
  leaves(s: u32): u32 {
    return load<u32>(rec<EngineOrders>(s), Q_LEAVES);
  }
  level(s: u32): usize {
    return levelOf(s);
  }

  add(insIdx: u32, insId: u32, id: u64, side: u8, price: i64, qty: u32, row: u32): u8 {
    const c = slot0(C_NEW, rowTs(row));
    store<u8>(c, side, CF_SIDE);
    store<u8>(c, T_LIMIT, CF_OTYPE);
    store<u8>(c, TIF_DAY, CF_TIF);
    store<u32>(c, insId, CF_INS);
    store<u64>(c, id, CF_OID);
    store<i64>(c, price, CF_PRICE);
    store<u32>(c, qty, CF_QTY);
    return run1();
  }

  /** The engine looks the id up itself. */
  addAbsent(insIdx: u32, insId: u32, id: u64, side: u8, price: i64, qty: u32, row: u32, r: u32): u8 {
    return this.add(insIdx, insId, id, side, price, qty, row);
  }

  remove(r: u32, s: u32, id: u64, row: u32): void {
    const c = slot0(C_CANCEL, rowTs(row));
    store<u64>(c, id, CF_OID);
    run1();
  }

  /** A MODIFY at the order's price (a: its level) to qty. */
  reduce(s: u32, a: usize, id: u64, qty: u32, row: u32): void {
    sendModify(id, load<i64>(a, L_PRICE), qty, rowTs(row));
  }

  modify(s: u32, a: usize, id: u64, price: i64, qty: u32, row: u32): u8 {
    return sendModify(id, price, qty, rowTs(row));
  }

  /** A modify to the other side: a CANCEL, then a NEW_ORDER. */
  resubmit(r: u32, s: u32, insIdx: u32, insId: u32, id: u64, side: u8, price: i64, qty: u32, row: u32): u8 {
    this.remove(r, s, id, row);
    return this.add(insIdx, insId, id, side, price, qty, row);
  }

  /** MASS_CANCEL of the replay's account (0) on the instrument. */
  clear(insIdx: u32, insId: u32, row: u32): void {
    const c = slot0(C_MASS_CANCEL, rowTs(row));
    store<u32>(c, insId, CF_INS);
    store<u32>(c, 0, CF_ACCOUNT);
    run1();
  }
}
