import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { BlueprintFileError, formatProblem, parseBlueprint } from '../../src/blueprints/load.js';
import { contentDigest } from '../../src/domain/digest.js';
import { BLUEPRINT_FILES, repoBlueprint, repoBlueprintText } from './fixtures.js';

/** Every located message of a blueprint text that must not validate. */
function problems(text: string, file = 'blueprints/x.yaml'): string[] {
  try {
    parseBlueprint(text, file);
  } catch (e) {
    assert.ok(e instanceof BlueprintFileError, `expected a BlueprintFileError, got ${String(e)}`);
    assert.equal(e.code, 'INVALID_BLUEPRINT_FILE');
    return e.fileProblems.map(formatProblem);
  }
  assert.fail('expected the blueprint to be refused');
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const SEED_EXAMPLE = `
id: ds-ia-crypto
version: 1
project_types: [ds, ml-service]
stages:
  - name: build
    description: Build e checks de código
    checks:
      - { id: code_lint, type: CODE_LINT, required: true }
      - { id: unit_tests, type: UNIT_TESTS, min_coverage: 0.8, required: true }
      - { id: sast, type: SAST, severity_threshold: medium, required: true }
      - { id: crypto_static_analysis, type: CRYPTO_ANALYSIS, required: true }
  - name: data_validation
    description: Validação de dados de treino
    checks:
      - { id: schema_validation, type: DATA_SCHEMA, required: true }
      - { id: data_quality_profile, type: DATA_PROFILING, required: true }
  - name: model_training
    description: Treino e avaliação de modelo
    checks:
      - { id: offline_metrics, type: MODEL_METRICS, min_metrics: { f1_score: 0.80 }, required: true }
      - { id: fairness_check, type: MODEL_FAIRNESS, max_disparity: 0.10, required: false }
  - name: pre_deploy
    description: Validações antes de publicar modelo/serviço
    checks:
      - { id: perf_test, type: LOAD_TEST, max_latency_ms_p95: 250, required: true }
      - { id: penetration_test, type: DAST, severity_threshold: high, required: true }
      - { id: tls_policy, type: TLS_POLICY, required: true }
`;

describe('blueprints/ files', () => {
  for (const name of BLUEPRINT_FILES) {
    it(`${name}.yaml validates; its digest is the SHA-256 of its canonical JSON`, () => {
      const b = repoBlueprint(name);
      assert.equal(b.definition.id, name);
      assert.equal(b.digest, contentDigest(parse(repoBlueprintText(name))));
      assert.equal(repoBlueprint(name).digest, b.digest);
    });
  }

  it('ds-ia-crypto is the seed 000 §7.1 example: same id, version, project types, stages and checks', () => {
    const seed = parse(SEED_EXAMPLE) as Record<string, unknown>;
    const ours = repoBlueprint('ds-ia-crypto').definition;
    assert.deepEqual({ id: ours.id, version: ours.version, project_types: ours.project_types, stages: ours.stages }, seed);
    assert.deepEqual(
      ours.policies.approval.conditions.map((c) => c.rule),
      [
        'all_required_checks_pass()',
        "metric('coverage') >= 0.8",
        "no_vulnerabilities_with_severity_at_or_above('high')",
        'no_crypto_anti_patterns_detected()',
      ],
    );
  });
});

describe('validation errors name the file, the line and the path, and say what is expected', () => {
  const base = repoBlueprintText('ds-ia-crypto');

  it('an unknown check type', () => {
    const text = base.replace('type: CODE_LINT', 'type: LINTT');
    const [first, ...rest] = problems(text);
    assert.deepEqual(rest, []);
    assert.match(
      first ?? '',
      new RegExp(
        `^blueprints/x\\.yaml:${lineOf(text, 'LINTT')} stages\\[0\\]\\.checks\\[0\\]\\.type: expected one of CODE_LINT, .*LOAD_TEST.* \\(got "LINTT"\\)$`,
      ),
    );
  });

  it('a misspelt property, at the line of the key', () => {
    const text = base.replace('min_coverage: 0.8', 'min_coverge: 0.8');
    assert.deepEqual(problems(text), [
      `blueprints/x.yaml:${lineOf(text, 'min_coverge')} stages[0].checks[1].min_coverge: unknown property: expected one of id, type, description, tool, required, timeout_seconds, retries, min_coverage, severity_threshold, min_metrics, max_metrics, max_disparity, max_latency_ms_p95, max_drift, params`,
    ]);
  });

  it('a missing required property and a wrong type, every problem at once, in line order', () => {
    const text = base
      .replace('version: 1', 'version: "one"')
      .replace('      - id: tls_policy\n        type: TLS_POLICY\n', '      - id: tls_policy\n');
    assert.deepEqual(problems(text), [
      `blueprints/x.yaml:${lineOf(text, 'version: "one"')} version: expected an integer (got "one")`,
      `blueprints/x.yaml:${lineOf(text, 'id: tls_policy')} stages[3].checks[2].type: expected a value (the property "type" is required)`,
    ]);
  });

  it('thresholds, timeouts and retries out of range', () => {
    const text = base
      .replace('min_coverage: 0.8', 'min_coverage: 80')
      .replace('        required: false\n', '        required: false\n        retries: 9\n');
    assert.deepEqual(problems(text), [
      `blueprints/x.yaml:${lineOf(text, 'min_coverage: 80')} stages[0].checks[1].min_coverage: expected a number <= 1 (got 80)`,
      `blueprints/x.yaml:${lineOf(text, 'retries: 9')} stages[2].checks[1].retries: expected a number <= 5 (got 9)`,
    ]);
  });

  it('YAML syntax errors and duplicate keys', () => {
    assert.match(problems('id: a\nversion: [1\n')[0] ?? '', /^blueprints\/x\.yaml:\d+ \(yaml\): expected valid YAML: /);
    assert.match(problems('id: a\nid: b\n')[0] ?? '', /^blueprints\/x\.yaml:2 \(yaml\): expected valid YAML: Map keys must be unique/);
  });

  it('a dependency on an unknown stage', () => {
    const text = base.replace('  - name: pre_deploy\n', '  - name: pre_deploy\n    depends_on: [model_trainig]\n');
    assert.deepEqual(problems(text), [
      `blueprints/x.yaml:${lineOf(text, 'model_trainig')} stages[3].depends_on[0]: expected the name of another stage: one of build, data_validation, model_training, pre_deploy (got "model_trainig")`,
    ]);
  });

  it('a cycle of stages', () => {
    const text = base.replace('  - name: build\n', '  - name: build\n    depends_on: [pre_deploy]\n');
    assert.deepEqual(problems(text), [
      `blueprints/x.yaml:${lineOf(text, 'depends_on: [pre_deploy]')} stages[0].depends_on: expected stages without a cycle (found build -> pre_deploy -> model_training -> data_validation -> build)`,
    ]);
  });

  it('run_if must name an outcome of a stage this one depends on', () => {
    const notUpstream = base.replace(
      '  - name: data_validation\n',
      '  - name: data_validation\n    run_if: { stage: pre_deploy, status: FAILED }\n',
    );
    assert.deepEqual(problems(notUpstream), [
      `blueprints/x.yaml:${lineOf(notUpstream, 'run_if: { stage: pre_deploy')} stages[1].run_if.stage: expected a stage "data_validation" depends on: one of build (got "pre_deploy")`,
    ]);
    const badStatus = base.replace('  - name: pre_deploy\n', '  - name: pre_deploy\n    run_if: { stage: build, status: DONE }\n');
    assert.deepEqual(problems(badStatus), [
      `blueprints/x.yaml:${lineOf(badStatus, 'status: DONE')} stages[3].run_if.status: expected one of PASSED, FAILED, SKIPPED (got "DONE")`,
    ]);
    const transitive = base.replace('  - name: pre_deploy\n', '  - name: pre_deploy\n    run_if: { stage: build, status: PASSED }\n');
    assert.equal(parseBlueprint(transitive, 'x.yaml').definition.stages[3]?.run_if?.stage, 'build');
  });

  it('an on_fail NEEDS_APPROVAL condition needs human_approval roles', () => {
    const text = base.replace(
      '        rule: no_crypto_anti_patterns_detected()\n',
      '        rule: no_crypto_anti_patterns_detected()\n        on_fail: NEEDS_APPROVAL\n',
    );
    assert.deepEqual(problems(text), [
      `blueprints/x.yaml:${lineOf(text, 'on_fail: NEEDS_APPROVAL')} policies.approval.conditions[3].on_fail: expected human_approval.roles (who may approve) with an on_fail NEEDS_APPROVAL condition`,
    ]);
  });

  it('duplicate check ids', () => {
    const text = base.replace('id: tls_policy', 'id: sast');
    const line = text.split('\n').findLastIndex((l) => l.includes('- id: sast')) + 1;
    assert.deepEqual(problems(text), [
      `blueprints/x.yaml:${line} stages[3].checks[2].id: expected a check id unique in the blueprint ("sast" is already stages[0].checks[2])`,
    ]);
  });

  it('approval rules must compile to a boolean over the known functions', () => {
    const syntax = base.replace("rule: metric('coverage') >= 0.8", "rule: metric('coverage') >=");
    assert.deepEqual(problems(syntax), [
      `blueprints/x.yaml:${lineOf(syntax, "rule: metric('coverage') >=")} policies.approval.conditions[1].rule: expected a CEL expression over the policy functions: Unexpected token: EOF`,
    ]);
    const unknownFn = base.replace('rule: no_crypto_anti_patterns_detected()', 'rule: no_crypto_antipatterns()');
    assert.match(
      problems(unknownFn)[0] ?? '',
      /conditions\[3\]\.rule: expected a CEL expression over the policy functions: found no matching overload for 'no_crypto_antipatterns\(\)'/,
    );
    const severity = base.replace(
      "rule: no_vulnerabilities_with_severity_at_or_above('high')",
      "rule: no_vulnerabilities_with_severity_at_or_above('hgh')",
    );
    assert.deepEqual(problems(severity), [
      `blueprints/x.yaml:${lineOf(severity, "'hgh'")} policies.approval.conditions[2].rule: expected a severity among INFO, LOW, MEDIUM, HIGH, CRITICAL (got "hgh")`,
    ]);
    const unknownCheck = base.replace('rule: all_required_checks_pass()', "rule: check_passed('unit_test')");
    assert.deepEqual(problems(unknownCheck), [
      `blueprints/x.yaml:${lineOf(unknownCheck, "check_passed('unit_test')")} policies.approval.conditions[0].rule: expected the id of a check of this blueprint in check_passed('unit_test') (got "unit_test")`,
    ]);
    const notBool = base.replace("rule: metric('coverage') >= 0.8", "rule: metric('coverage')");
    assert.deepEqual(problems(notBool), [
      `blueprints/x.yaml:${lineOf(notBool, "rule: metric('coverage')")} policies.approval.conditions[1].rule: expected a rule of type bool (this one is double)`,
    ]);
  });
});
