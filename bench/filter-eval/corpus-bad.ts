/** Phishing lures and spam of the bench corpus, written for Préau from the patterns staff actually receive. */
import type { Sample } from './sample.ts';

interface Sender {
  from: string;
  fromName: string;
  mailFrom: string;
  ip: string;
  helo: string;
  sign?: string;
  replyTo?: string;
}

/** Who the lure claims to be and where it really comes from. */
const SENDERS: Sender[] = [
  // Display-name impersonation from free mail (authenticated by the provider).
  { from: 'rectorat.paris.info@gmail.com', fromName: 'Rectorat de Paris', mailFrom: 'rectorat.paris.info@gmail.com', ip: '209.85.220.50', helo: 'mail-sor-f50.google.com', sign: 'gmail.com' },
  // Look-alike domains.
  { from: 'messagerie@ac-pariss.fr', fromName: 'Messagerie académique', mailFrom: 'messagerie@ac-pariss.fr', ip: '45.95.11.4', helo: 'mail.ac-pariss.fr' },
  { from: 'dsi@ac-paris-fr.com', fromName: 'DSI Académie de Paris', mailFrom: 'dsi@ac-paris-fr.com', ip: '45.95.11.5', helo: 'mx.ac-paris-fr.com', sign: 'ac-paris-fr.com' },
  { from: 'support@xn--c-paris-1fg.fr', fromName: 'Support', mailFrom: 'support@xn--c-paris-1fg.fr', ip: '45.95.11.6', helo: 'xn--c-paris-1fg.fr' },
  { from: 'paie@acparis.fr', fromName: 'Paie', mailFrom: 'paie@acparis.fr', ip: '45.95.11.7', helo: 'acparis.fr' },
  { from: 'iprof@ac-parls.fr', fromName: 'I-Prof', mailFrom: 'iprof@ac-parls.fr', ip: '45.95.11.8', helo: 'ac-parls.fr' },
  { from: 'ne-pas-repondre@education-gouv.fr', fromName: 'Éducation nationale', mailFrom: 'bounce@education-gouv.fr', ip: '45.95.11.9', helo: 'education-gouv.fr', sign: 'education-gouv.fr' },
  { from: 'notification@educatlon-gouv.com', fromName: 'Notification', mailFrom: 'notification@educatlon-gouv.com', ip: '45.95.11.10', helo: 'educatlon-gouv.com' },
  { from: 'webmail@ac-paris.fr.secure-verify.com', fromName: 'Webmail ac-paris.fr', mailFrom: 'bounce@secure-verify.com', ip: '45.95.11.11', helo: 'secure-verify.com' },
  // Our own domain forged from elsewhere (DMARC p=reject).
  { from: 'ce.rectorat@ac-paris.fr', fromName: 'Rectorat de Paris', mailFrom: 'ce.rectorat@ac-paris.fr', ip: '45.95.11.12', helo: 'mail.example.net' },
  // Compromised third-party domains, authenticated.
  { from: 'contact@boulangerie-dupont.fr', fromName: 'Administrateur messagerie', mailFrom: 'contact@boulangerie-dupont.fr', ip: '91.121.30.4', helo: 'ns30.ovh.example' },
  { from: 'secretariat@cabinet-durand-avocats.fr', fromName: 'Service informatique', mailFrom: 'secretariat@cabinet-durand-avocats.fr', ip: '91.121.31.5', helo: 'ns31.ovh.example' },
  // Attacker domains without a protected name in sight.
  { from: 'alert@mail-service-notification.com', fromName: 'Mail Administrator', mailFrom: 'alert@mail-service-notification.com', ip: '45.95.13.2', helo: 'mail-service-notification.com' },
  { from: 'noreply@webmail-update.net', fromName: 'Webmail Update', mailFrom: 'noreply@webmail-update.net', ip: '45.95.13.3', helo: 'webmail-update.net' },
  { from: 'security@m1crosoft-support.com', fromName: 'Microsoft 365', mailFrom: 'security@m1crosoft-support.com', ip: '45.95.13.4', helo: 'm1crosoft-support.com' },
  { from: 'rh@rh-education.info', fromName: 'Service de paie', mailFrom: 'rh@rh-education.info', ip: '45.95.12.3', helo: 'rh-education.info', sign: 'rh-education.info' },
  { from: 'bulletins@paie-enseignants.org', fromName: 'Ressources humaines', mailFrom: 'bulletins@paie-enseignants.org', ip: '45.95.12.4', helo: 'paie-enseignants.org', replyTo: 'paie.enseignants@outlook.com' },
  // A colleague's account taken over: the message is authentic mail of our domain.
  { from: 'jean.dupuis@ac-paris.fr', fromName: 'Jean Dupuis', mailFrom: 'jean.dupuis@ac-paris.fr', ip: '192.0.2.33', helo: 'smtp3.ac-paris.fr', sign: 'ac-paris.fr' },
];

const EVIL = ['https://ac-paris-webmail.web.app/login', 'https://bit.ly/3Acp2026', 'https://secure-login-portal.xyz/owa/', 'https://forms.gle/Xk29aQp', 'https://ac-paris.fr.session-verify.com/auth', 'https://acparis-quota.weebly.com', 'https://xn--c-paris-1fg.fr/iprof', 'https://paie-bulletin.online/consulter'];

interface Lure {
  subject: string;
  text: string;
  /** Visible text of the link ("" for no link); "{url}" shows the fake target as text. */
  cta: string;
  form?: boolean;
  attachment?: { filename: string; content: Buffer; contentType: string };
}

const HTML_FORM = '<form action="https://secure-login-portal.xyz/post" method="post"><p>Adresse : <input name="u"></p><p>Mot de passe : <input type="password" name="p"></p><button>Valider</button></form>';

const LURES: Lure[] = [
  { subject: 'Votre boîte aux lettres est pleine', text: 'Votre boîte aux lettres a atteint sa limite de stockage. Vous ne pourrez plus envoyer ni recevoir de messages. Cliquez ici pour augmenter votre quota gratuitement.', cta: 'Augmenter mon quota' },
  { subject: 'Alerte quota : 98 % utilisés', text: 'Votre messagerie est presque pleine. Pour éviter la suspension de votre compte, validez votre compte dans les 24 heures.', cta: 'https://webmail.ac-paris.fr/quota' },
  { subject: 'Votre bulletin de paie de novembre', text: 'Votre bulletin de paie de novembre est disponible. Suite à une mise à jour du système de paie, vous devez confirmer vos coordonnées bancaires avant le prochain versement.', cta: 'Consulter mon bulletin' },
  { subject: 'Confirmez vos identifiants iProf', text: 'Dans le cadre de la campagne d’avancement, merci de confirmer vos identifiants iProf avant le 30 novembre, faute de quoi votre dossier sera suspendu.', cta: 'https://bv.ac-paris.fr/iprof' },
  { subject: '7 messages entrants en attente', text: 'Vous avez 7 messages entrants en attente de livraison sur le serveur. Connectez-vous pour les récupérer, sinon ils seront supprimés sous 48 heures.', cta: 'Récupérer mes messages' },
  { subject: 'Expiration de votre mot de passe', text: 'Le mot de passe de votre compte académique expire aujourd’hui. Pour conserver le même mot de passe, cliquez sur le lien ci-dessous et saisissez votre mot de passe actuel.', cta: 'Conserver mon mot de passe' },
  { subject: 'Message sécurisé en attente', text: 'Un document confidentiel vous a été envoyé par le rectorat. Veuillez vous identifier avec votre adresse et votre mot de passe académiques pour le lire.', cta: '', form: true },
  { subject: 'Activité inhabituelle sur votre compte', text: 'Nous avons détecté une activité inhabituelle sur votre compte de messagerie. Vérifiez votre identité et mettez à jour vos informations de connexion immédiatement, sinon votre compte sera bloqué.', cta: 'Vérifier mon identité' },
  { subject: 'Élections professionnelles : activez votre compte électeur', text: 'Pour voter, vous devez activer votre compte électeur et confirmer votre mot de passe. Sans action de votre part, votre accès sera désactivé.', cta: 'Activer mon compte' },
  { subject: 'Votre compte ENT sera désactivé', text: 'Suite à la migration de l’ENT, votre compte sera désactivé le 1er décembre. Mettez à jour vos identifiants pour éviter la suppression de vos données.', cta: 'Mettre à jour' },
  { subject: 'Your mailbox is almost full', text: 'Your mailbox has reached its storage limit. Verify your account within 24 hours to avoid suspension of incoming messages.', cta: 'Verify account' },
  { subject: 'Password expiry notice', text: 'Your password expires today. Click here to keep your current password. Failure to update will result in your account being locked.', cta: 'Keep current password' },
  { subject: 'Unusual sign-in activity', text: 'We detected unusual sign-in activity on your email account. Please confirm your credentials immediately.', cta: 'Review activity' },
  { subject: 'Bulletin de salaire - rappel', text: 'Votre bulletin de salaire est joint. Ouvrez la pièce jointe et identifiez-vous pour le consulter.', cta: '', attachment: { filename: 'bulletin_salaire_novembre.html', content: Buffer.from(`<html><body><p>Connexion ENSAP</p>${HTML_FORM}</body></html>`), contentType: 'text/html' } },
  { subject: 'Convocation au conseil de discipline', text: 'Veuillez trouver ci-joint votre convocation. Activez les macros pour afficher le document.', cta: '', attachment: { filename: 'Convocation.docm', content: Buffer.from('PK\u0003\u0004...word/vbaProject.bin'), contentType: 'application/vnd.ms-word.document.macroEnabled.12' } },
  { subject: 'Facture impayée n° 2026-1187', text: 'Merci de régler la facture jointe sous 48 heures.', cta: '', attachment: { filename: 'Facture_2026-1187.pdf.exe', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]), contentType: 'application/octet-stream' } },
  { subject: 'Note de service confidentielle', text: 'La note de service est dans l’archive jointe.', cta: '', attachment: { filename: 'note_de_service.iso', content: Buffer.alloc(600), contentType: 'application/octet-stream' } },
  { subject: 'Relevé de notes à vérifier', text: 'Merci de vérifier le relevé joint avant la commission.', cta: '', attachment: { filename: 'releve_notes\u202Efdp.scr', content: Buffer.alloc(300), contentType: 'application/octet-stream' } },
];

/** ~60 lures: every lure from several senders. */
function phishing(): Sample[] {
  const out: Sample[] = [];
  let n = 0;
  for (let round = 0; round < 4; round++) {
    LURES.forEach((l, i) => {
      if (round === 3 && i % 3) return;
      const s = SENDERS[(i * 5 + round * 7) % SENDERS.length];
      const url = EVIL[(i + round) % EVIL.length];
      const shown = l.cta.startsWith('https://') ? l.cta : '';
      const link = l.cta ? `<p><a href="${url}">${l.cta}</a></p>` : '';
      const html = `<html><body><p>${l.text}</p>${link}${l.form ? HTML_FORM : ''}<p>Cordialement,<br>${s.fromName}</p></body></html>`;
      out.push({
        id: `phish-${String(n++).padStart(2, '0')}-${l.subject.slice(0, 20).replace(/\W+/g, '-')}`,
        label: 'phishing',
        ...s,
        subject: l.subject,
        text: `${l.text}\n${shown ? shown : l.cta ? url : ''}\n\nCordialement,\n${s.fromName}`,
        html: round % 2 === 1 && !l.cta && !l.form ? undefined : html,
        attachments: l.attachment ? [l.attachment] : undefined,
      });
    });
  }
  // Business e-mail compromise: no link, a reply to free mail.
  const bec = [
    ['Le Recteur', 'recteur.academie.paris@gmail.com', 'Êtes-vous disponible ?', 'Bonjour, êtes-vous disponible ? J’ai une tâche confidentielle et urgente à vous confier. Répondez-moi uniquement par courriel, je suis en réunion.'],
    ['DSDEN de Paris - Directeur', 'dsden.direction75@gmail.com', 'Demande urgente', 'Bonjour, j’ai besoin que vous achetiez des cartes cadeaux pour une cérémonie. Je vous rembourserai. Répondez-moi vite.'],
  ];
  bec.forEach(([name, addr, subject, text], i) => {
    out.push({ id: `phish-bec-${i}`, label: 'phishing', from: addr, fromName: name, mailFrom: addr, ip: '209.85.220.51', helo: 'mail-sor-f51.google.com', sign: 'gmail.com', replyTo: `direction.urgent${i}@outlook.com`, subject, text });
  });
  return out;
}

const SPAM: [string, string, string, string][] = [
  ['promo-flash.biz', 'Super Promo', 'Félicitations ! Vous avez gagné un iPhone 17', 'Vous êtes le grand gagnant de notre tirage au sort. Réclamez votre iPhone 17 gratuit maintenant, offre limitée !'],
  ['promo-flash.biz', 'Offres Exclusives', '-90 % sur les montres de luxe', 'Rolex, Omega, Cartier à prix cassés. Livraison gratuite et discrète. Commandez aujourd’hui.'],
  ['mega-gains.top', 'Casino Royal', '500 € offerts sur votre premier dépôt', 'Jouez au casino en ligne et doublez vos gains. Bonus de bienvenue de 500 € offert, retrait immédiat.'],
  ['mega-gains.top', 'Loterie Internationale', 'Vous avez gagné 1 500 000 €', 'Votre adresse a été tirée au sort. Pour recevoir vos gains, envoyez vos nom, adresse et frais de dossier.'],
  ['seo-rank-expert.xyz', 'SEO Expert', 'Première page Google garantie', 'Nous positionnons votre site en première page de Google en 7 jours. Backlinks de qualité, prix imbattable.'],
  ['seo-rank-expert.xyz', 'Web Agency', 'Refonte de votre site web à 299 €', 'Site vitrine professionnel, référencement inclus, paiement en 3 fois sans frais.'],
  ['pret-rapide.online', 'Prêt entre particuliers', 'Prêt rapide sans justificatif', 'Particulier sérieux accorde prêts de 5 000 € à 500 000 € à taux de 2 %. Réponse sous 24 h, sans banque.'],
  ['pret-rapide.online', 'Crédit Facile', 'Rachat de crédits : réduisez vos mensualités', 'Regroupez vos crédits et réduisez vos mensualités jusqu’à 60 %. Étude gratuite et sans engagement.'],
  ['cryptobonus.io', 'Crypto Bonus', 'Bitcoin : multipliez votre investissement', 'Notre robot de trading crypto a généré 3 400 % de rendement. Investissez 250 € et devenez riche.'],
  ['cryptobonus.io', 'Elon Crypto Giveaway', 'Giveaway : 5 000 BTC distribués', 'Send 0.1 BTC and receive 0.2 BTC back. Limited time crypto giveaway, act now!'],
  ['pharma-direct.ru', 'Pharmacie Discount', 'Viagra et Cialis sans ordonnance', 'Médicaments génériques sans ordonnance, livraison discrète en 48 h, prix les plus bas.'],
  ['pharma-direct.ru', 'Minceur Express', 'Perdez 10 kg en 2 semaines', 'Notre pilule miracle brûle les graisses pendant que vous dormez. Résultats garantis ou remboursés.'],
  ['promo-flash.biz', 'Formation CPF', 'Votre solde CPF expire bientôt', 'Utilisez vos droits CPF avant leur expiration : formation gratuite, tablette offerte, inscription en 2 minutes.'],
  ['mega-gains.top', 'Paris Sportifs', 'Pronostics gagnants garantis', 'Nos experts vous donnent les pronostics gagnants. 95 % de réussite, abonnement VIP à prix réduit.'],
  ['seo-rank-expert.xyz', 'Data Leads', 'Fichier de 2 millions d’adresses e-mail', 'Achetez notre base de données d’adresses e-mail qualifiées pour vos campagnes marketing.'],
  ['cryptobonus.io', 'Investir Or', 'Investissez dans l’or avant la crise', 'L’or va tripler en 2027. Achetez des lingots avec une remise exceptionnelle réservée aux lecteurs.'],
  ['pharma-direct.ru', 'Hot Singles', 'Rencontres discrètes près de chez vous', 'Des célibataires de votre ville veulent vous rencontrer ce soir. Inscription gratuite.'],
  ['pret-rapide.online', 'Énergie Solaire', 'Panneaux solaires à 1 € : dernier jour', 'Profitez de l’aide de l’État : panneaux solaires installés pour 1 €. Vérifiez votre éligibilité.'],
  ['promo-flash.biz', 'Cadeau Fidélité', 'Votre carte cadeau de 100 € vous attend', 'Répondez à notre questionnaire de 30 secondes et recevez une carte cadeau de 100 €.'],
  ['mega-gains.top', 'Hacker', 'Je connais votre mot de passe', 'J’ai piraté votre ordinateur et enregistré des vidéos. Payez 900 € en bitcoin sous 48 heures ou je les envoie à vos contacts.'],
];

function spam(): Sample[] {
  const out: Sample[] = [];
  const ips: Record<string, string> = { 'promo-flash.biz': '103.77.4.', 'mega-gains.top': '103.77.9.', 'seo-rank-expert.xyz': '103.78.2.', 'pret-rapide.online': '103.78.8.', 'cryptobonus.io': '103.79.1.', 'pharma-direct.ru': '185.220.101.' };
  for (let k = 0; k < 2; k++) {
    SPAM.forEach(([dom, name, subject, text], i) => {
      const url = `https://${dom}/go?id=${i}${k}`;
      const freemail = (i + k) % 7 === 3;
      const from = freemail ? `offres.${i}${k}@gmail.com` : `${k ? 'info' : 'news'}@${dom}`;
      out.push({
        id: `spam-${k}-${String(i).padStart(2, '0')}`,
        label: 'spam',
        from,
        fromName: name,
        // Spoofed free mail from a spam IP fails SPF softly; the rest come from their own servers.
        mailFrom: freemail ? from : `bounce@${dom}`,
        ip: ips[dom] + (10 + i + k),
        helo: `mail.${dom}`,
        sign: dom === 'cryptobonus.io' ? dom : undefined,
        subject: k ? subject.toUpperCase() : subject,
        text: `${text}\n${url}\nPour vous désinscrire, répondez STOP.`,
        html: k ? undefined : `<html><body><h2>${subject}</h2><p>${text}</p><p><a href="${url}">CLIQUEZ ICI</a></p><p style="font-size:8px">Désinscription</p></body></html>`,
      });
    });
  }
  return out;
}

export function badCorpus(): Sample[] {
  return [...phishing(), ...spam()];
}
