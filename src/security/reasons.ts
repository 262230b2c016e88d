/** Plain-language explanations of tags, in French (default) and English, shown by the webmail. */
import type { TagName } from './policy.ts';
import type { Tag } from './types.ts';

type Phrase = (a: string, b: string, t: Tag) => string;

const FR: Partial<Record<TagName, Phrase>> = {
  DMARC_FAIL: (a) => `Le domaine « ${a} » ne confirme pas que ce message vient de lui (contrôle DMARC en échec).`,
  DMARC_REJECT_POLICY: (a) => `Le propriétaire du domaine « ${a} » demande de refuser les messages qui échouent à ce contrôle.`,
  DMARC_QUARANTINE_POLICY: (a) => `Le propriétaire du domaine « ${a} » demande de placer en courrier indésirable les messages qui échouent à ce contrôle.`,
  SPF_FAIL: (a) => `Le serveur qui a envoyé ce message n'est pas autorisé à écrire au nom de « ${a} » (contrôle SPF en échec).`,
  SPF_SOFTFAIL: (a) => `Le serveur qui a envoyé ce message n'est probablement pas autorisé à écrire au nom de « ${a} ».`,
  DKIM_INVALID: () => `La signature électronique (DKIM) du message est invalide : il a pu être falsifié ou modifié en route.`,
  FROM_DISPLAY_IMPERSONATION: (a) => `Le nom affiché « ${a} » est utilisé par un expéditeur extérieur à l'académie.`,
  SPOOFED_INSTITUTION_DOMAIN: (a) => `Le message prétend venir d'une adresse « ${a} » de l'académie, mais cette origine n'a pas pu être vérifiée.`,
  LOOKALIKE_DOMAIN: (a, b) => `Le domaine « ${a} » imite « ${b} » : ce n'est pas une adresse de l'institution.`,
  CREDENTIAL_REQUEST: () => `Le message demande vos identifiants ou votre mot de passe, ou menace de bloquer votre compte. L'académie ne vous demandera jamais votre mot de passe par courriel.`,
  EXTERNAL_LOGIN_LINK: (a) => `Un lien vous invite à vous connecter ou à valider quelque chose sur un site extérieur (« ${a} »).`,
  LINK_TEXT_MISMATCH: (a, b) => `Un lien affiche « ${a} » mais mène en réalité à « ${b} ».`,
  HTML_FORM: (a) => (a === 'password' ? `Le message contient un formulaire qui demande un mot de passe.` : `Le message contient un formulaire à remplir.`),
  REPLYTO_FREEMAIL: (a) => `Vos réponses partiraient vers une messagerie gratuite (« ${a} ») et non vers l'expéditeur affiché.`,
  VERIFIED_OFFICIAL_SENDER: (a) => `Expéditeur officiel vérifié : « ${a} ».`,
  OFFICIAL_NAME_UNVERIFIED: (a) => `Le nom « ${a} » est celui d'un expéditeur officiel, mais ce message ne vient pas de son adresse vérifiée.`,
  EXECUTABLE_ATTACHMENT: (a) => `La pièce jointe « ${a} » est un programme ou un script : ne l'ouvrez pas.`,
  DISK_IMAGE_ATTACHMENT: (a) => `La pièce jointe « ${a} » est une image disque ou un raccourci, souvent utilisés pour installer un logiciel malveillant.`,
  HTML_ATTACHMENT: (a) => `La pièce jointe « ${a} » est une page web, souvent utilisée pour imiter une page de connexion.`,
  MACRO_DOCUMENT: (a) => `Le document « ${a} » contient des macros, qui peuvent exécuter du code à l'ouverture.`,
  DOUBLE_EXTENSION: (a) => `Le nom de la pièce jointe « ${a} » cache son vrai type derrière une double extension.`,
  RTLO_FILENAME: (a) => `Le nom de la pièce jointe « ${a} » contient un caractère qui inverse l'affichage pour cacher son vrai type.`,
  ENCRYPTED_ARCHIVE: (a) => `L'archive « ${a} » est protégée par un mot de passe : son contenu n'a pas pu être vérifié.`,
  BAYES_SPAM: (a) => `Ce message ressemble à ceux que vous ou vos collègues avez signalés comme indésirables (probabilité ${a}).`,
  BLOCKLISTED_SENDER: (a) => `L'expéditeur fait partie de vos expéditeurs bloqués (« ${a} »).`,
  ALLOWLISTED_SENDER: (a) => `L'expéditeur fait partie de vos expéditeurs autorisés (« ${a} »).`,
  DNSBL_LISTED: (a) => `Le serveur qui a envoyé ce message figure sur une liste de blocage (${a}).`,
  RSPAMD: (a) => `Le filtre antispam de l'établissement a attribué à ce message le score ${a}.`,
  VIRUS_FOUND: (a) => `Un virus a été détecté dans le message (${a}).`,
};

const EN: Partial<Record<TagName, Phrase>> = {
  DMARC_FAIL: (a) => `The domain "${a}" does not confirm that this message comes from it (DMARC failed).`,
  DMARC_REJECT_POLICY: (a) => `The owner of "${a}" asks receivers to reject messages failing this check.`,
  DMARC_QUARANTINE_POLICY: (a) => `The owner of "${a}" asks receivers to treat messages failing this check as junk.`,
  SPF_FAIL: (a) => `The sending server is not authorised to send for "${a}" (SPF failed).`,
  SPF_SOFTFAIL: (a) => `The sending server is probably not authorised to send for "${a}".`,
  DKIM_INVALID: () => `The message's electronic signature (DKIM) is invalid: it may be forged or altered.`,
  FROM_DISPLAY_IMPERSONATION: (a) => `The display name "${a}" is used by a sender outside the institution.`,
  SPOOFED_INSTITUTION_DOMAIN: (a) => `The message claims to come from an institution address at "${a}" but this could not be verified.`,
  LOOKALIKE_DOMAIN: (a, b) => `The domain "${a}" imitates "${b}": it is not an institution address.`,
  CREDENTIAL_REQUEST: () => `The message asks for your credentials or password, or threatens to block your account. The institution never asks for your password by email.`,
  EXTERNAL_LOGIN_LINK: (a) => `A link asks you to sign in or confirm something on an outside site ("${a}").`,
  LINK_TEXT_MISMATCH: (a, b) => `A link shows "${a}" but actually leads to "${b}".`,
  HTML_FORM: (a) => (a === 'password' ? `The message contains a form asking for a password.` : `The message contains a form to fill in.`),
  REPLYTO_FREEMAIL: (a) => `Your replies would go to a free mail address ("${a}"), not to the displayed sender.`,
  VERIFIED_OFFICIAL_SENDER: (a) => `Verified official sender: "${a}".`,
  OFFICIAL_NAME_UNVERIFIED: (a) => `"${a}" is the name of an official sender, but this message does not come from its verified address.`,
  EXECUTABLE_ATTACHMENT: (a) => `The attachment "${a}" is a program or a script: do not open it.`,
  DISK_IMAGE_ATTACHMENT: (a) => `The attachment "${a}" is a disk image or a shortcut, often used to install malware.`,
  HTML_ATTACHMENT: (a) => `The attachment "${a}" is a web page, often used to imitate a sign-in page.`,
  MACRO_DOCUMENT: (a) => `The document "${a}" contains macros, which can run code when opened.`,
  DOUBLE_EXTENSION: (a) => `The attachment name "${a}" hides its real type behind a double extension.`,
  RTLO_FILENAME: (a) => `The attachment name "${a}" contains a character that reverses the display to hide its real type.`,
  ENCRYPTED_ARCHIVE: (a) => `The archive "${a}" is password-protected: its content could not be checked.`,
  BAYES_SPAM: (a) => `This message resembles those you or your colleagues reported as junk (probability ${a}).`,
  BLOCKLISTED_SENDER: (a) => `The sender is on your blocked senders list ("${a}").`,
  ALLOWLISTED_SENDER: (a) => `The sender is on your allowed senders list ("${a}").`,
  DNSBL_LISTED: (a) => `The sending server is on a block list (${a}).`,
  RSPAMD: (a) => `The institution's spam filter gave this message a score of ${a}.`,
  VIRUS_FOUND: (a) => `A virus was found in the message (${a}).`,
};

function sentences(tags: Tag[], table: Partial<Record<TagName, Phrase>>): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const f = table[t.name];
    if (!f) continue; // EXTERNAL_SENDER and BAYES_HAM are shown as a banner / not at all.
    const [a, b] = (t.arg ?? '').split('|');
    const s = f(a ?? '', b ?? '', t);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

export const reasonsFr = (tags: Tag[]) => sentences(tags, FR);
export const reasonsEn = (tags: Tag[]) => sentences(tags, EN);
