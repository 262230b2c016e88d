/** ID. RFC 2971. */
import { ANY, ok, type Command } from './common.ts';

export const id: Command<'ID'> = {
  states: ANY,
  async run(s) {
    s.send({ type: 'id', params: [['name', 'Préau'], ['vendor', 'Préau']] });
    return ok('ID completed');
  },
};
