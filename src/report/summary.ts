// The summary table printed at the end of a study: per fold the parameters chosen, the in-sample
// objective and the out-of-sample figures, then the stitched out-of-sample line and any failures.
import type { StudyOutcome } from '../walkforward/runner.js';
import { isoFromNs } from '../walkforward/duration.js';
import { money, num, paramText, pct, textTable } from './format.js';

export function studySummary(o: StudyOutcome, objective: string): string {
  const rows = o.folds.map((f) => {
    const m = f.oos?.metrics;
    return [
      String(f.fold.index),
      `${isoFromNs(f.fold.testStart).slice(0, 10)}→${isoFromNs(f.fold.testEnd).slice(0, 10)}`,
      f.chosen ? paramText(f.chosen.params) : '—',
      f.chosen ? num(f.chosen.score) : '—',
      m ? pct(m.totalReturn) : 'n/a',
      m ? num(m.sharpe) : 'n/a',
      m ? pct(m.maxDrawdown) : 'n/a',
      m ? String(m.trades) : 'n/a',
      m ? money(m.feesPaid) : (f.note ?? ''),
    ];
  });
  const s = o.stitched.metrics;
  rows.push(['all', 'stitched OOS', '', '', pct(s.totalReturn), num(s.sharpe), pct(s.maxDrawdown), String(s.trades), money(s.feesPaid)]);
  let text = textTable(['fold', 'test window', 'params chosen', `IS ${objective}`, 'OOS return', 'OOS Sharpe', 'OOS maxDD', 'trades', 'fees'], rows);
  if (o.failures.length) {
    text += `\n\n${o.failures.length} task(s) failed after a retry:\n` + o.failures.map((f) => `  fold ${f.fold} ${f.phase} #${f.paramIndex} (${paramText(f.params)}): ${f.error}`).join('\n');
  }
  return text;
}
