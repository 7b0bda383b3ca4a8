import { expect, it } from 'vitest';
import { readPortfolioTables } from '@keel/core/data';
import { portfolioOutputFiles, runPortfolio, SAMPLE_PORTFOLIO_CONFIG, SAMPLE_PORTFOLIO_DIR } from '@keel/core/portfolio';

// The example of packages/core/README.md (section "portfolio and data"), run on the embedded
// 2,000-instrument sample with its full constraint set.
it('README example: the embedded sample solves to a verified optimum and writes its files', async () => {
  const read = await readPortfolioTables(SAMPLE_PORTFOLIO_DIR);
  const result = runPortfolio({
    tables: read.tables,
    readDiagnostics: read.diagnostics,
    files: read.files,
    config: { ...SAMPLE_PORTFOLIO_CONFIG, risk: { aversion: 30 } },
  });
  expect(result.status).toBe('optimal');
  expect(result.summary.sizes.instruments).toBe(2000);
  expect(result.summary.constraints.violated).toEqual([]);
  expect(result.orders.length).toBeGreaterThan(0);
  const o = result.summary.objective.rounded;
  expect(o.objective).toBeCloseTo(o.alpha + o.dividends - o.factorRisk - o.specificRisk - o.linearCost - o.impactCost - o.borrowCost - o.financingCost - o.createRedeemCost - o.efpCost - o.fxCost - o.marginCost - o.penalties, 6);
  expect(Object.keys(portfolioOutputFiles(result))).toContain('orders.csv');
});
