/** A small valid catalog as plain JSON; each call returns a fresh copy tests may break. */
export function validCatalogJson() {
  const label = (en: string) => ({ en, ru: `${en} (ru)` });
  return {
    models: [
      {
        id: 'banana',
        kind: 'image',
        api: 'market',
        kieModel: 'google/nano-banana',
        title: label('Banana'),
        description: label('Pictures'),
        prices: [{ when: {}, credits: 5, kieCredits: 1 }],
        enabled: true,
        needsImage: false,
        promptMaxLength: 5000,
        inputs: [
          {
            name: 'aspect_ratio',
            label: label('Ratio'),
            type: 'enum',
            values: ['1:1', '16:9'],
            default: '1:1',
          },
        ],
      },
      {
        id: 'banana-edit',
        kind: 'image',
        api: 'market',
        kieModel: 'google/nano-banana-edit',
        title: label('Banana edit'),
        description: label('Edits'),
        prices: [{ when: {}, credits: 6, kieCredits: 1 }],
        enabled: false,
        needsImage: true,
        promptMaxLength: 5000,
        inputs: [] as Array<Record<string, unknown>>,
      },
      {
        id: 'kling',
        kind: 'video',
        api: 'market',
        kieModel: 'kling-2.6/text-to-video',
        title: label('Kling'),
        description: label('Videos'),
        prices: [
          { when: { duration: '5' }, credits: 60, kieCredits: 20 },
          { when: { duration: '10' }, credits: 120, kieCredits: 40 },
        ] as Array<Record<string, unknown>>,
        enabled: true,
        needsImage: false,
        promptMaxLength: 1000,
        inputs: [
          { name: 'duration', label: label('Duration'), type: 'enum', values: ['5', '10'], default: '5' },
          { name: 'sound', label: label('Sound'), type: 'boolean', default: false as unknown },
        ] as Array<Record<string, unknown>>,
      },
      {
        id: 'suno',
        kind: 'music',
        api: 'suno',
        kieModel: 'V4_5',
        title: label('Suno'),
        description: label('Songs'),
        prices: [{ when: {}, credits: 15, kieCredits: 5 }],
        enabled: true,
        needsImage: false,
        promptMaxLength: 500,
        inputs: [
          { name: 'instrumental', label: label('Instrumental'), type: 'boolean', default: false },
        ] as Array<Record<string, unknown>>,
      },
    ],
    packs: [
      { id: 'small', credits: 100, stars: 50, title: label('100 credits') },
      { id: 'medium', credits: 300, stars: 140, title: label('300 credits') },
      { id: 'large', credits: 1000, stars: 420, title: label('1000 credits') },
    ],
  };
}
