import { readFile } from 'node:fs/promises';
import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { machineDiagramDocument, readmeWithMachineDiagram } from '../../scripts/machineDiagramSource.js';
import { machineGraph } from '../../src/client/machine/machineGraph.js';
import { toMermaid } from '../../src/client/machine/toMermaid.js';

const STALE = 'is out of date with the call machine: run `npm run machine:diagram`';
const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the generated call-machine diagrams', () => {
  it('docs/callMachine.md matches the machine', async () => {
    const committed = await read('docs/callMachine.md').catch(() => '(missing)');
    expect(committed, `docs/callMachine.md ${STALE}`).toBe(machineDiagramDocument());
  });

  it('README.md’s diagram block matches the machine', async () => {
    const readme = await read('README.md');
    expect(() => readmeWithMachineDiagram(readme), `README.md has no diagram markers`).not.toThrow();
    expect(readme, `README.md ${STALE}`).toBe(readmeWithMachineDiagram(readme));
  });

  it('replacing the README block twice changes nothing more', () => {
    const readme = 'intro\n<!-- machine-diagram:start -->\nold drawing\n<!-- machine-diagram:end -->\nrest\n';
    const once = readmeWithMachineDiagram(readme);
    expect(once).toMatch(/^intro\n<!-- machine-diagram:start -->\n```mermaid\nstateDiagram-v2\n/);
    expect(once).toMatch(/\n```\n<!-- machine-diagram:end -->\nrest\n$/);
    expect(once).not.toContain('old drawing');
    expect(readmeWithMachineDiagram(once)).toBe(once);
  });
});

describe('toMermaid', () => {
  const lamp = setup({
    actions: { blink: () => {} },
    guards: { hasPower: () => true },
  }).createMachine({
    id: 'lamp',
    initial: 'off',
    states: {
      off: {
        on: {
          'switch.flip': { guard: 'hasPower', target: 'lit' },
          'switch.tap': { actions: 'blink' },
        },
      },
      lit: {
        initial: 'dim',
        on: { 'switch.flip': 'off' },
        states: {
          dim: { on: { 'knob.turn': 'bright' } },
          bright: { on: { 'knob.turn': 'dim' } },
        },
      },
    },
  });

  it('draws nested states as composites with their initial state, guards in brackets and actions-only transitions as self-loops', () => {
    expect(toMermaid(machineGraph(lamp))).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> off',
        '  state "off" as off',
        '  state "lit" as lit {',
        '    [*] --> lit_dim',
        '    state "dim" as lit_dim',
        '    state "bright" as lit_bright',
        '  }',
        '  off --> lit : switch.flip [hasPower]',
        '  off --> off : switch.tap',
        '  lit --> off : switch.flip',
        '  lit_dim --> lit_bright : knob.turn',
        '  lit_bright --> lit_dim : knob.turn',
        '',
      ].join('\n'),
    );
  });

  it('gives states whose names Mermaid would misread ids it accepts, each one different', () => {
    const awkward = setup({}).createMachine({
      id: 'awkward',
      initial: 'default',
      states: {
        default: { on: { go: 'two-words' } },
        'two-words': { initial: 'a', states: { a: {} } },
        two_words: {},
      },
    });
    const text = toMermaid(machineGraph(awkward));
    expect(text).toContain('[*] --> default_\n');
    expect(text).toContain('state "two-words" as two_words {\n    [*] --> two_words_a\n');
    expect(text).toContain('state "two_words" as two_words_2\n');
    expect(text).toContain('default_ --> two_words : go\n');
  });

  it('draws the machine itself as a box when a transition starts there, so the edge has a node', () => {
    const text = toMermaid(
      machineGraph(setup({}).createMachine({ id: 'app', initial: 'a', on: { reset: '.a' }, states: { a: { on: { next: 'b' } }, b: {} } })),
    );
    expect(text).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> app',
        '  state "app" as app {',
        '    [*] --> a',
        '    state "a" as a',
        '    state "b" as b',
        '  }',
        '  app --> a : reset',
        '  a --> b : next',
        '',
      ].join('\n'),
    );
  });
});
