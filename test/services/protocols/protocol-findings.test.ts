import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Protocol } from '../../../src/services/protocols/index.ts';
import { segmentText } from '../../../src/services/protocols/index.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import { createProtocolHarness, type ProtocolHarness, SETTINGS } from './protocol-harness.ts';

// Three parts of at most 300 characters, in two languages, with labelled and unlabelled findings.
const TEXT = [
  [
    'Weekly sync about the mobile release. Everyone was present.',
    'Decision: freeze the features on Monday.',
    'Action item: update the changelog (owner: Dana)',
    'When does the store review start?',
  ].join('\n'),
  [
    'Обсудили бюджет второго квартала. Финансы дали цифры.',
    'Решение: перенести закупку серверов на май.',
    'Задача: подготовить смету (ответственный: Борис).',
    'Кто подписывает договор с хостингом?',
  ].join('\n'),
  [
    'Chen showed the new onboarding screens. Feedback was positive.',
    'The team agreed to drop the tutorial video.',
    'Chen will send the final mockups by Thursday.',
    'Decision: freeze the features on Monday.',
  ].join('\n'),
].join('\n\n');

describe(`protocol findings reach the protocol (${DATABASE_KIND})`, () => {
  let h: ProtocolHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("carries every part's decisions, action items and questions, merged, into the delivered protocol", async () => {
    assert.equal(segmentText(TEXT, SETTINGS.segmentChars).length, 3, 'three parts');
    h = await createProtocolHarness();
    const service = h.service();
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, TEXT);
    await service.settled(job.id);

    assert.equal(h.notifier.log.delivered.length, 1);
    const { protocol } = h.notifier.log.delivered[0] as { protocol: Protocol };
    assert.deepEqual(protocol, {
      summary:
        'Weekly sync about the mobile release. Everyone was present. ' +
        'Обсудили бюджет второго квартала. Финансы дали цифры. ' +
        'Chen showed the new onboarding screens. Feedback was positive.',
      // The decision repeated in part 3 is listed once.
      decisions: [
        'Freeze the features on Monday.',
        'Перенести закупку серверов на май.',
        'The team agreed to drop the tutorial video.',
      ],
      actionItems: [
        { task: 'Update the changelog', owner: 'Dana' },
        { task: 'Подготовить смету', owner: 'Борис' },
        { task: 'Chen will send the final mockups by Thursday.', owner: 'Chen' },
      ],
      openQuestions: ['When does the store review start?', 'Кто подписывает договор с хостингом?'],
    });
  });
});
