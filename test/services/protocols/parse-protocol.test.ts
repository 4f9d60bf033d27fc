import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deterministicCompletion } from '@tg-genbot/fakes/llm';
import { actionItem, parseProtocol } from '../../../src/services/protocols/index.ts';

describe('parseProtocol', () => {
  it('reads the JSON the prompt asks for, fenced or not', () => {
    const json = JSON.stringify({
      summary: ' Quarterly planning. ',
      decisions: ['Adopt option B', 'None'],
      action_items: [
        { task: 'Prepare the budget', owner: 'Ann' },
        { task: 'Book the room', owner: null },
        'Chen will call the vendor',
      ],
      open_questions: ['Who signs off?'],
    });
    for (const text of [json, `\`\`\`json\n${json}\n\`\`\``]) {
      assert.deepEqual(parseProtocol(text), {
        summary: 'Quarterly planning.',
        decisions: ['Adopt option B'],
        actionItems: [
          { task: 'Prepare the budget', owner: 'Ann' },
          { task: 'Book the room', owner: undefined },
          { task: 'Chen will call the vendor', owner: 'Chen' },
        ],
        openQuestions: ['Who signs off?'],
      });
    }
  });

  it('reads the Markdown sections models fall back to, dropping placeholders', () => {
    const protocol = parseProtocol(
      [
        '# Protocol',
        '## Summary',
        'Kickoff of the project.',
        '## Decisions',
        '- The team decided to ship in May.',
        '## Action items',
        '- [ ] Ann will write the plan.',
        '## Open questions',
        '- Who pays for hosting?',
      ].join('\n'),
    );
    assert.match(protocol.summary, /^Kickoff of the project\./);
    assert.deepEqual(protocol.decisions, ['The team decided to ship in May.']);
    assert.deepEqual(protocol.actionItems, [{ task: 'Ann will write the plan.', owner: 'Ann' }]);
    assert.deepEqual(protocol.openQuestions, ['Who pays for hosting?']);

    const empty = parseProtocol(
      '## Summary\nNothing much.\n## Decisions\n- No explicit decisions recorded.\n## Action items\n- [ ] No action items recorded.',
    );
    assert.deepEqual(empty, { summary: 'Nothing much.', decisions: [], actionItems: [], openQuestions: [] });
  });

  it("reads the LLM fake's synthesis of a raw text", () => {
    const text = deterministicCompletion('m', [
      { role: 'system', content: 'Synthesize the notes.' },
      {
        role: 'user',
        content:
          'Kickoff of the project. The team decided to ship in May. Ann will write the plan. Who pays for hosting?',
      },
    ]);
    assert.deepEqual(parseProtocol(text), {
      summary: 'Kickoff of the project.',
      decisions: ['The team decided to ship in May.'],
      actionItems: [{ task: 'Ann will write the plan.', owner: 'Ann' }],
      openQuestions: ['Who pays for hosting?'],
    });
  });

  it('keeps an unstructured answer whole as the summary', () => {
    assert.deepEqual(parseProtocol('Just a paragraph.'), {
      summary: 'Just a paragraph.',
      decisions: [],
      actionItems: [],
      openQuestions: [],
    });
  });
});

describe('actionItem', () => {
  it('finds the owner in a suffix, a named subject, or not at all', () => {
    assert.deepEqual(actionItem('Send the slides — owner: Bob'), { task: 'Send the slides', owner: 'Bob' });
    assert.deepEqual(actionItem('Send the slides (Ответственный: Иван)'), {
      task: 'Send the slides',
      owner: 'Иван',
    });
    assert.deepEqual(actionItem('Мария подготовит отчёт'), {
      task: 'Мария подготовит отчёт',
      owner: 'Мария',
    });
    assert.deepEqual(actionItem('The team will rest'), { task: 'The team will rest', owner: undefined });
    assert.deepEqual(actionItem('We will meet again'), { task: 'We will meet again', owner: undefined });
    assert.deepEqual(actionItem('Update the wiki'), { task: 'Update the wiki', owner: undefined });
  });
});
