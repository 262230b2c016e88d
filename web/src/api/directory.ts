/** Staff directory client: `GET /api/directory` and `GET /api/directory/groups/:id` (docs/api.md). */
import { requestJson } from './http.ts';

export interface DirectoryPerson { kind: 'person'; name: string; email: string; title: string }
export interface DirectoryGroup { kind: 'group'; id: number; name: string; email: string | null; members: number; description: string }
export type DirectoryEntry = DirectoryPerson | DirectoryGroup;

/** People and groups of the institution matching `q` (accents and case ignored by the server). */
export async function searchDirectory(q: string, limit = 20): Promise<DirectoryEntry[]> {
  const url = `/api/directory?q=${encodeURIComponent(q)}&limit=${limit}`;
  const r = await requestJson<{ results: DirectoryEntry[] }>('GET', url, undefined, { quiet401: true });
  return r.results ?? [];
}

/** A group's active members (to address a group that has no address of its own). */
export async function groupMembers(id: number): Promise<DirectoryPerson[]> {
  const r = await requestJson<{ memberList: DirectoryPerson[] }>('GET', `/api/directory/groups/${id}`);
  return r.memberList ?? [];
}
