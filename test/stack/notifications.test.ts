import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './promql-eval.ts';
import {
  type ContactPoint,
  grafanaEnvironment,
  loadAlertGroups,
  loadNotifications,
  type NotificationPolicy,
  type PolicyRoute,
  provisioningFiles,
  readYaml,
} from './stack-files.ts';

/** Grafana's own contact point, present in every org (the default Alertmanager configuration). */
const BUILT_IN_RECEIVERS = ['grafana-default-email'];
/** Settings of Grafana's Telegram integration (grafana/alerting receivers/telegram/v1/config.go). */
const TELEGRAM_SETTINGS: Record<string, 'string' | 'boolean'> = {
  bottoken: 'string',
  chatid: 'string',
  message_thread_id: 'string',
  message: 'string',
  parse_mode: 'string',
  disable_web_page_preview: 'boolean',
  protect_content: 'boolean',
  disable_notifications: 'boolean',
};
const PARSE_MODES = ['markdown', 'markdownv2', 'html', 'none'];
const MATCH_OPS = ['=', '!=', '=~', '!~'];

/** Problems Grafana would report provisioning these contact points (or creating their integrations). */
function contactPointProblems(points: readonly ContactPoint[]): string[] {
  const problems: string[] = [];
  const uids = new Set<string>();
  for (const point of points) {
    if (!point.name?.trim()) problems.push('contact point without a name');
    for (const receiver of point.receivers ?? []) {
      const where = `${point.name}/${receiver.uid}`;
      if (!/^[a-zA-Z0-9\-_]{1,40}$/.test(receiver.uid ?? ''))
        problems.push(`${where}: uid must be 1-40 of a-z A-Z 0-9 - _`);
      if (uids.has(receiver.uid)) problems.push(`${where}: duplicate uid`);
      uids.add(receiver.uid);
      if (receiver.type !== 'telegram') {
        problems.push(`${where}: type ${receiver.type} is not checked here`);
        continue;
      }
      const settings = receiver.settings ?? {};
      if (Object.keys(settings).length === 0) problems.push(`${where}: no settings are set`);
      for (const [key, value] of Object.entries(settings)) {
        const kind = TELEGRAM_SETTINGS[key];
        if (!kind) problems.push(`${where}: unknown Telegram setting ${key}`);
        else if (typeof value !== kind) problems.push(`${where}: ${key} must be a ${kind}`);
      }
      // What NewConfig refuses, and Grafana with it at start-up.
      if (!String(settings.bottoken ?? '')) problems.push(`${where}: could not find Bot Token in settings`);
      if (!String(settings.chatid ?? '')) problems.push(`${where}: could not find Chat Id in settings`);
      const mode = settings.parse_mode;
      if (mode !== undefined && !PARSE_MODES.includes(String(mode).toLowerCase()))
        problems.push(`${where}: unknown parse_mode`);
      const thread = settings.message_thread_id;
      if (thread !== undefined && !/^-?\d+$/.test(String(thread)))
        problems.push(`${where}: message thread id must be an integer`);
    }
  }
  return problems;
}

/** Problems Grafana's Route.Validate and ValidateReceivers would report. */
function policyProblems(policies: readonly NotificationPolicy[], receivers: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const check = (route: PolicyRoute, path: string, root: boolean) => {
    if (root && !route.receiver) problems.push(`${path}: root route must specify a default receiver`);
    if (root && (route.object_matchers?.length || route.matchers?.length))
      problems.push(`${path}: root route must not have any matchers`);
    // An empty child receiver inherits its parent's (Grafana allows it explicitly).
    if (route.receiver && !receivers.has(route.receiver))
      problems.push(`${path}: receiver '${route.receiver}' does not exist`);
    const groupBy = route.group_by ?? [];
    if (new Set(groupBy).size !== groupBy.length) problems.push(`${path}: duplicated label in group_by`);
    if (groupBy.includes('...') && groupBy.length > 1)
      problems.push(`${path}: group_by ... with other labels`);
    for (const key of ['group_wait', 'group_interval', 'repeat_interval'] as const) {
      const value = route[key];
      if (value === undefined) continue;
      try {
        const ms = parseDuration(value);
        if (ms === 0 && key !== 'group_wait') problems.push(`${path}: ${key} cannot be zero`);
      } catch {
        problems.push(`${path}: ${key} ${value} is not a duration`);
      }
    }
    for (const matcher of route.object_matchers ?? []) {
      if (!Array.isArray(matcher) || matcher.length !== 3 || !MATCH_OPS.includes(matcher[1]))
        problems.push(
          `${path}: object matcher ${JSON.stringify(matcher)} must be [label, =|!=|=~|!~, value]`,
        );
    }
    (route.routes ?? []).forEach((child, i) => {
      check(child, `${path}.routes[${i}]`, false);
    });
  };
  if (policies.length > 1) problems.push('one policy tree per org');
  for (const policy of policies) check(policy, 'policy', true);
  return problems;
}

function routeMatches(route: PolicyRoute, labels: Readonly<Record<string, string>>): boolean {
  return (route.object_matchers ?? []).every(([name, op, value]) => {
    const actual = labels[name] ?? '';
    const re = new RegExp(`^(?:${value})$`);
    return op === '='
      ? actual === value
      : op === '!='
        ? actual !== value
        : op === '=~'
          ? re.test(actual)
          : !re.test(actual);
  });
}

/** The receiver an alert with these labels reaches (Alertmanager routing: first matching child wins). */
function receiverFor(route: PolicyRoute, labels: Readonly<Record<string, string>>, inherited = ''): string {
  const receiver = route.receiver || inherited;
  for (const child of route.routes ?? []) {
    if (routeMatches(child, labels)) return receiverFor(child, labels, receiver);
  }
  return receiver;
}

const UNSET = grafanaEnvironment({});
const CONFIGURED = grafanaEnvironment({ BOT_TOKEN: '123456:bot-token', ALERT_TELEGRAM_CHAT_ID: '-1001234' });

/** Labels of every provisioned rule's alerts, as Grafana adds them, in an environment. */
function alertLabels(environment: string): Array<Record<string, string>> {
  return loadAlertGroups(CONFIGURED).flatMap((group) =>
    group.rules.map((rule) => ({
      ...rule.labels,
      alertname: rule.title,
      grafana_folder: group.folder,
      ...(rule.uid.includes('-slo-') && { deployment_environment_name: environment }),
    })),
  );
}

describe('alert notifications (Telegram contact points and the policy)', () => {
  it('are provisioning files of the format Grafana reads: apiVersion 1, contactPoints, policies', () => {
    const docs = provisioningFiles('alerting').map((file) => ({
      file,
      doc: readYaml<Record<string, unknown>>(file),
    }));
    for (const { file, doc } of docs) {
      assert.equal(doc.apiVersion, 1, file);
      for (const key of Object.keys(doc)) {
        assert.ok(
          [
            'apiVersion',
            'groups',
            'deleteRules',
            'contactPoints',
            'deleteContactPoints',
            'policies',
            'resetPolicies',
            'templates',
            'muteTimes',
          ].includes(key),
          `${file}: unknown top-level key ${key}`,
        );
      }
    }
    assert.ok(
      docs.some(({ doc }) => Array.isArray(doc.contactPoints)),
      'contact points provisioned',
    );
    assert.ok(
      docs.some(({ doc }) => Array.isArray(doc.policies)),
      'a policy provisioned',
    );
  });

  for (const [state, env] of [
    ['without ALERT_TELEGRAM_CHAT_ID', UNSET],
    ['with it', CONFIGURED],
  ] as const) {
    it(`validate as Grafana would ${state}, so the stack starts either way`, () => {
      const { contactPoints, policies } = loadNotifications(env);
      assert.deepEqual(contactPointProblems(contactPoints), []);
      const receivers = new Set([...BUILT_IN_RECEIVERS, ...contactPoints.map((c) => c.name)]);
      assert.deepEqual(policyProblems(policies, receivers), []);
    });
  }

  it('send nothing to Telegram while the chat is not configured', () => {
    assert.equal(UNSET.ALERT_TELEGRAM_PAGE_RECEIVER, '');
    assert.equal(UNSET.ALERT_TELEGRAM_DIGEST_RECEIVER, '');
    const [policy] = loadNotifications(UNSET).policies as [NotificationPolicy];
    for (const environment of ['production', 'sandbox']) {
      for (const labels of alertLabels(environment)) {
        assert.equal(receiverFor(policy, labels), 'grafana-default-email', JSON.stringify(labels));
      }
    }
  });

  it('page to Telegram for page-level alerts and send the rest as a silent digest once configured', () => {
    assert.equal(
      CONFIGURED.ALERT_TELEGRAM_BOT_TOKEN,
      '123456:bot-token',
      'the bot token is the default sender',
    );
    assert.equal(
      grafanaEnvironment({ BOT_TOKEN: 'a', ALERT_TELEGRAM_BOT_TOKEN: 'b', ALERT_TELEGRAM_CHAT_ID: '1' })
        .ALERT_TELEGRAM_BOT_TOKEN,
      'b',
    );
    const { contactPoints, policies } = loadNotifications(CONFIGURED);
    const policy = policies[0] as NotificationPolicy;
    const settings = new Map(contactPoints.map((c) => [c.name, c.receivers[0]?.settings ?? {}]));
    assert.equal(settings.get('tg-genbot-telegram-page')?.chatid, '-1001234');
    assert.equal(settings.get('tg-genbot-telegram-page')?.disable_notifications, undefined, 'pages ring');
    assert.equal(
      settings.get('tg-genbot-telegram-digest')?.disable_notifications,
      true,
      'the digest is silent',
    );

    const byTitle = new Map(alertLabels('production').map((l) => [l.alertname, l]));
    const receiverOf = (title: RegExp) => {
      const labels = [...byTitle.entries()].find(([t]) => title.test(t))?.[1];
      assert.ok(labels, String(title));
      return receiverFor(policy, labels);
    };
    assert.equal(receiverOf(/out of credits/), 'tg-genbot-telegram-page');
    assert.equal(receiverOf(/KIE balance below/), 'tg-genbot-telegram-page');
    assert.equal(receiverOf(/^SLO Updates.*fast/), 'tg-genbot-telegram-page');
    assert.equal(receiverOf(/^SLO Generations.*steadily/), 'tg-genbot-telegram-digest');
    assert.equal(receiverOf(/error rate/i), 'tg-genbot-telegram-digest');
    assert.equal(receiverOf(/balance unknown/), 'tg-genbot-telegram-digest');
    // Every page-level alert pages, every other one lands in the digest.
    for (const labels of byTitle.values()) {
      const expected = labels.severity === 'page' ? 'tg-genbot-telegram-page' : 'tg-genbot-telegram-digest';
      assert.equal(receiverFor(policy, labels), expected, labels.alertname);
    }
    // The sandbox never pages.
    for (const labels of alertLabels('sandbox').filter((l) => l.deployment_environment_name === 'sandbox'))
      assert.equal(receiverFor(policy, labels), 'tg-genbot-telegram-digest', labels.alertname);
  });

  it('would catch a broken contact point or policy (the checks are not vacuous)', () => {
    const problems = contactPointProblems([
      {
        name: 'x',
        receivers: [
          { uid: 'bad uid!', type: 'telegram', settings: { bottoken: '', chatid: '1', parsemode: 'HTML' } },
        ],
      },
    ]);
    for (const p of [/uid must be/, /unknown Telegram setting parsemode/, /Bot Token/])
      assert.ok(
        problems.some((m) => p.test(m)),
        `${p} in ${problems}`,
      );
    const policy = policyProblems(
      [
        {
          receiver: '',
          object_matchers: [['a', '==', 'b']],
          routes: [{ receiver: 'nobody', group_interval: '0s' }],
        },
      ],
      new Set(BUILT_IN_RECEIVERS),
    );
    for (const p of [
      /default receiver/,
      /must not have any matchers/,
      /'nobody' does not exist/,
      /group_interval cannot be zero/,
    ])
      assert.ok(
        policy.some((m) => p.test(m)),
        `${p} in ${policy}`,
      );
  });
});
