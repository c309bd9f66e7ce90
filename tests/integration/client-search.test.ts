/**
 * searchClientsByName: folded the same way on both sides by the database
 * (search_fold), so case and ё/е do not matter whatever the collation, and
 * served by the trigram index clients_name_search_idx.
 */
import { createDataLayer, type DataLayer } from '../../src/data-layer/index.js';
import { nameSearchStatement } from '../../src/repositories/client-name-search.js';
import { ClientRepository } from '../../src/repositories/client-repository.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';

let stack: TestStack;
let dataLayer: DataLayer;
let clients: ClientRepository;
let nextCompany = 1;

async function salonWith(names: string[]): Promise<number> {
  const companyId = nextCompany++;
  await stack.pool.query('INSERT INTO companies (id, title) VALUES ($1, $2)', [companyId, `Salon ${companyId}`]);
  await clients.syncClients(
    companyId,
    names.map((name, index) => ({ phone: `7999${String(companyId).padStart(3, '0')}${String(index).padStart(4, '0')}`, name })),
  );
  return companyId;
}

const namesFound = async (companyId: number, query: string) => {
  const result = await dataLayer.searchClientsByName({ companyId, query, limit: 50 });
  if (!result.success) throw new Error(result.error.message);
  return result.data.map((client) => client.name);
};

beforeAll(async () => {
  stack = await createTestStack();
  dataLayer = createDataLayer(stack.db);
  clients = new ClientRepository(stack.db);
});

afterAll(async () => {
  await stack?.close();
});

describe('searchClientsByName folding', () => {
  test('when a name is written with ё, then searching with е finds it, and the other way round', async () => {
    const companyId = await salonWith(['Семён Петров', 'СЕМЁН Сидоров', 'Семен Иванов', 'Алёна', 'Фёдор']);
    await expect(namesFound(companyId, 'Семен')).resolves.toEqual(['Семен Иванов', 'Семён Петров', 'СЕМЁН Сидоров'].sort());
    await expect(namesFound(companyId, 'семён')).resolves.toHaveLength(3);
    await expect(namesFound(companyId, 'алена')).resolves.toEqual(['Алёна']);
    await expect(namesFound(companyId, 'ФЕДОР')).resolves.toEqual(['Фёдор']);
  });

  test('when the text is shorter than a trigram, then it is matched all the same', async () => {
    const companyId = await salonWith(['Семён Петров', 'Алёна', 'Фёдор', 'Ян']);
    await expect(namesFound(companyId, 'ён')).resolves.toEqual(['Алёна', 'Семён Петров']);
    await expect(namesFound(companyId, 'я')).resolves.toEqual(['Ян']);
    await expect(namesFound(companyId, 'ЯН')).resolves.toEqual(['Ян']);
  });

  test('when the name column uses the C collation, then case still does not matter for Cyrillic', async () => {
    const companyId = await salonWith(['Анна', 'АННА', 'анна', 'аННа', 'Анна Ёлкина', 'Жанна']);
    // Under "C", lower() and ILIKE leave Cyrillic as is: before, "анна" found 2 of these 5.
    await stack.pool.query('ALTER TABLE clients ALTER COLUMN name TYPE text COLLATE "C"');
    try {
      const found = await namesFound(companyId, 'анна');
      expect(found).toHaveLength(6);
      expect(found).toEqual(expect.arrayContaining(['Анна', 'АННА', 'анна', 'аННа', 'Анна Ёлкина', 'Жанна']));
      await expect(namesFound(companyId, 'ёлкина')).resolves.toEqual(['Анна Ёлкина']);
    } finally {
      await stack.pool.query('ALTER TABLE clients ALTER COLUMN name TYPE text COLLATE "default"');
    }
  });

  test('when another salon has a client of that name, then it is not found', async () => {
    const mine = await salonWith(['Ирина']);
    await salonWith(['Ирина Другая']);
    await expect(namesFound(mine, 'ирина')).resolves.toEqual(['Ирина']);
  });
});

describe('searchClientsByName at scale', () => {
  test('when a salon has 10,000 clients, then a search of three letters or more is served by the trigram index, not a scan', async () => {
    // Next to smaller salons: the index must pick this salon's entries, not only the right names.
    await stack.pool.query(`
      INSERT INTO companies (id, title) SELECT 1000 + s, 'Salon ' || s FROM generate_series(1, 5) s;
      INSERT INTO clients (company_id, phone, name)
      SELECT 1000 + s, (79000000000 + s * 100000 + i)::text,
             (ARRAY['Анна','Семён','Мария','Ольга','Екатерина','Ирина','Дарья'])[1 + i % 7] || ' ' ||
             (ARRAY['Иванова','Смирнова','Кузнецова','Попова','Соколова','Лебедева'])[1 + (i / 7) % 6] || ' ' || i
      FROM generate_series(1, 5) s, generate_series(1, CASE WHEN s = 3 THEN 10000 ELSE 2000 END) i;
      ANALYZE clients;`);
    for (const query of ['семен', 'Семён Смирн', 'ова 123']) {
      const search = nameSearchStatement(1003, query, 20);
      const { rows } = await stack.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${search.sql}`, search.params);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('clients_name_search_idx');
      expect(plan).not.toContain('Seq Scan');
    }
    const expected = Array.from({ length: 10_000 }, (_, n) => n + 1).filter((i) => i % 7 === 1 && Math.floor(i / 7) % 6 === 1 && String(i).startsWith('1'));
    const found = await namesFound(1003, 'Семен Смирнова 1');
    expect(found).toHaveLength(Math.min(50, expected.length));
    expect(found.every((name) => name?.startsWith('Семён Смирнова 1'))).toBe(true);
  });
});
