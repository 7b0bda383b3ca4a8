import { it } from 'vitest';
import { buildAllocationModel, buildScenarioSet, generateAllocationBook, parseAllocationRequest } from '../index.js';
import { AllocationFormulation, defaultGroups } from './formulation.js';
import { solveWithHighs, mainThreadHighs } from '@keel/solver-native/highs';

it('smoke', async () => {
  const req = parseAllocationRequest(generateAllocationBook({ trades: 20, accounts: 3, scenarios: 200, constraintsPerAccount: 6, seed: 3 }));
  const model = buildAllocationModel(req);
  const sc = buildScenarioSet(req);
  const mk = (ext: boolean) => {
    const f = new AllocationFormulation(model, sc, { groups: defaultGroups(model), terms: req.objective.terms, risk: 'cuts', elastic: 'none' });
    f.templates.forEach((tp, i) => { f.addScenarioRow(i, 0); if (ext && tp.scenarioDependent) for (let s = 1; s <= sc.count; s++) f.addScenarioRow(i, s); });
    const { cost, offset } = f.costVector([{ expr: f.financingExpr(), factor: 1 / f.scales.financingCost }]);
    cost.forEach((v, j) => f.builder.setCost(j, v)); f.builder.setOffset(offset);
    return f;
  };
  const small = mk(false).builder.build();
  const big = mk(true).builder.build();
  for (const [name, m] of [['small', small], ['big', big]] as const) {
    for (const presolve of [true, false]) {
      const r = await solveWithHighs(m, { presolve, extra: {} }, { host: mainThreadHighs });
      console.log(name, presolve, r.status, r.objective, r.info.nodes);
    }
  }
  const r = await solveWithHighs(small, {}, { host: mainThreadHighs });
  // Row activities of the small solution in the big model.
  const x = r.x;
  const act = new Float64Array(big.nRows);
  for (let j = 0; j < big.nCols; j++) for (let k = big.A.colPtr[j]!; k < big.A.colPtr[j + 1]!; k++) act[big.A.rowIdx[k]!]! += big.A.values[k]! * x[j]!;
  let worst = 0, wi = -1;
  for (let i = 0; i < big.nRows; i++) { const v = Math.max(big.rowLower[i]! - act[i]!, act[i]! - big.rowUpper[i]!); if (v > worst) { worst = v; wi = i; } }
  console.log('worst violation of small sol in big', worst, wi, big.rowLower[wi], big.rowUpper[wi], act[wi]);
  let bw = 0;
  for (let j = 0; j < big.nCols; j++) bw = Math.max(bw, big.colLower[j]! - x[j]!, x[j]! - big.colUpper[j]!);
  console.log('bound viol', bw);
}, 600000);
