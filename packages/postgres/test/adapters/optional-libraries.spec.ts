/**
 * The adapters are duck-typed: `@smart-message/postgres` must load, and recognise and wrap every
 * library's transaction object, without loading any ORM, so an application that uses none of them
 * pays nothing and one that uses a single one is not asked to install the others.
 */
const libraries = [
  'typeorm',
  '@prisma/client',
  '@prisma/adapter-pg',
  '@mikro-orm/core',
  '@mikro-orm/postgresql',
  'knex',
  'drizzle-orm',
  'drizzle-orm/node-postgres',
];

it('loads without requiring any ORM (each one mocked to record that it was loaded)', () => {
  const loaded: string[] = [];
  jest.isolateModules(() => {
    for (const name of libraries)
      jest.doMock(
        name,
        () => {
          loaded.push(name);
          return {};
        },
        { virtual: true },
      );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const postgres = require('@smart-message/postgres') as typeof import('@smart-message/postgres');
    expect(typeof postgres.fromTypeOrm).toBe('function');
    expect(typeof postgres.fromPrisma).toBe('function');
    expect(typeof postgres.fromMikroOrm).toBe('function');
    expect(typeof postgres.fromKnex).toBe('function');
    expect(typeof postgres.fromDrizzle).toBe('function');
  });
  expect(loaded).toEqual([]);
});
