/** Legitimate mail of the bench corpus: institution, colleagues, parents, newsletters (written for Préau, fictitious people). */
import type { Sample } from './sample.ts';

const FIRST = ['Claire', 'Julien', 'Nadia', 'Thomas', 'Sophie', 'Karim', 'Élodie', 'Mathieu', 'Fatou', 'Hélène', 'Laurent', 'Inès', 'Pierre', 'Amélie', 'Yasmine', 'Olivier'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Benali', 'Garcia', 'Nguyen', 'Roux', 'Fournier', 'Diallo', 'Lambert', 'Mercier', 'Chevalier', 'Haddad', 'Perrin'];
const ascii = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
const person = (i: number) => ({ first: FIRST[i % FIRST.length], last: LAST[(i * 5 + 3) % LAST.length] });
const acp = (i: number) => 192 + '.0.2.' + (10 + (i % 20));

function institutional(): Sample[] {
  const out: Sample[] = [];
  const base = { mailFrom: 'bounce@ac-paris.fr', helo: 'smtp1.ac-paris.fr', sign: 'ac-paris.fr' } as const;
  const circulars = [
    ['Circulaire de rentrée 2026 : organisation des premières semaines', 'Mesdames et Messieurs les chefs d’établissement, vous trouverez ci-joint la circulaire de rentrée. Les documents sont également en ligne sur https://www.ac-paris.fr/circulaire-rentree.'],
    ['Mouvement intra-académique 2027 : calendrier', 'La campagne de saisie des vœux du mouvement intra-académique se déroulera du 18 mars au 2 avril 2027 sur I-Prof (SIAM). Connectez-vous avec vos identifiants académiques habituels.'],
    ['Élections professionnelles : modalités de vote', 'Le scrutin électronique aura lieu du 1er au 8 décembre. Votre identifiant électeur vous sera remis en main propre par votre établissement. Le vote se fait sur https://www.education.gouv.fr/elections-professionnelles.'],
    ['Rendez-vous de carrière PPCR : notification', 'Dans le cadre du PPCR, vous êtes concerné(e) par un rendez-vous de carrière cette année. Le calendrier est consultable sur I-Prof.'],
    ['Note de service : examens du baccalauréat, convocations des correcteurs', 'Les convocations des correcteurs sont disponibles dans l’application Imag’In. Merci de vérifier vos coordonnées avant le 15 mai.'],
    ['Lettre de l’encadrement n° 42', 'Au sommaire : la réforme de la voie professionnelle, le plan de formation, les nouveaux programmes de cycle 3.'],
    ['Formation continue : inscriptions au plan académique', 'Les inscriptions au plan académique de formation sont ouvertes sur GAIA jusqu’au 20 septembre. Connectez-vous au portail Arena avec votre identifiant et votre mot de passe académiques.'],
    ['Sécurité : ne communiquez jamais votre mot de passe', 'Des messages frauduleux circulent en ce moment et vous demandent de confirmer vos identifiants. La DSI ne vous demandera jamais votre mot de passe. Signalez ces messages avec le bouton « Signaler ».'],
    ['Votre mot de passe académique expire dans 15 jours', 'Votre mot de passe de messagerie arrive à expiration. Pour le changer, rendez-vous sur le portail https://moncompte.ac-paris.fr, rubrique « Changer mon mot de passe ». Pour toute question, contactez l’assistance au 01 44 62 40 40.'],
    ['Maintenance de la messagerie samedi', 'La messagerie académique sera indisponible samedi de 7 h à 12 h pour une opération de maintenance. Aucune action n’est nécessaire de votre part.'],
    ['Quota de votre boîte aux lettres', 'Votre boîte aux lettres atteint 90 % de son quota de 50 Mo. Pensez à supprimer ou archiver vos anciens messages depuis le webmail https://webmail.ac-paris.fr.'],
    ['Campagne d’évaluation des personnels de direction', 'La campagne est ouverte. Les entretiens se tiendront à la DSDEN selon le calendrier joint.'],
  ];
  circulars.forEach(([subject, text], i) => {
    const html = i % 2 ? `<p>${text.replace(/(https:\/\/[^\s]+[^.\s])/g, '<a href="$1">$1</a>')}</p><p>Le recteur de l’académie de Paris</p>` : undefined;
    out.push({ id: `inst-circ-${i}`, label: 'institutional', ...base, ip: acp(i), from: 'ce.rectorat@ac-paris.fr', fromName: i % 3 ? 'Rectorat de Paris' : 'Académie de Paris - DSI', subject, text: `${text}\n\nLe recteur de l’académie de Paris`, html });
  });
  for (let i = 0; i < 6; i++) {
    const n = 180 + i;
    out.push({
      id: `inst-informalire-${i}`, label: 'institutional', ...base, ip: acp(i + 3), from: 'informalire@ac-paris.fr', fromName: 'inform@lire',
      subject: `inform@lire n° ${n} - Semaine du ${i + 4} novembre`,
      text: `inform@lire, la lettre d’information des personnels de l’académie de Paris.\nÀ la une : journée de la laïcité, concours de recrutement, action sociale.\nConsulter le bulletin : https://www.ac-paris.fr/informalire-${n}`,
      html: `<h1>inform@lire n° ${n}</h1><p>À la une : journée de la laïcité, concours, action sociale.</p><p><a href="https://lettres.esp-mail.net/c/${n}?u=acp">Consulter le bulletin en ligne</a></p><p><a href="https://www.ac-paris.fr/informalire-${n}">www.ac-paris.fr</a></p>`,
    });
  }
  for (let i = 0; i < 6; i++) {
    out.push({
      id: `inst-iprof-${i}`, label: 'institutional', ...base, ip: acp(i + 5), from: 'iprof@ac-paris.fr', fromName: 'I-Prof',
      subject: ['Nouveau message dans votre boîte I-Prof', 'I-Prof : votre avis d’avancement est disponible', 'I-Prof : campagne de promotion à la hors-classe'][i % 3],
      text: `Bonjour,\nun nouveau document est disponible dans votre dossier I-Prof. Pour le consulter, connectez-vous à I-Prof depuis le portail Arena avec vos identifiants académiques.\nCe message est envoyé automatiquement, merci de ne pas y répondre.`,
      html: `<p>Bonjour,</p><p>Un nouveau document est disponible dans votre dossier I-Prof.</p><p><a href="https://bv.ac-paris.fr/iprof/ServletIprof">Accéder à I-Prof</a></p><p>Ce message est envoyé automatiquement.</p>`,
    });
  }
  const months = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin'];
  months.forEach((m, i) => {
    out.push({
      id: `inst-paie-${i}`, label: 'institutional', ...base, ip: acp(i + 7), from: 'paie@ac-paris.fr', fromName: 'Service de paie',
      subject: `Votre bulletin de paie de ${m} est disponible`,
      text: `Madame, Monsieur,\nvotre bulletin de paie du mois de ${m} est disponible dans votre espace numérique sécurisé de l’agent public (ENSAP) : https://ensap.gouv.fr.\nConnectez-vous avec votre numéro de sécurité sociale et votre mot de passe ENSAP.\nLe service de paie ne vous demandera jamais vos coordonnées bancaires par courriel.`,
      html: i % 2 ? `<p>Votre bulletin de paie du mois de ${m} est disponible sur l’ENSAP.</p><p><a href="https://ensap.gouv.fr/web/accueilnonconnecte">Se connecter à l’ENSAP</a></p>` : undefined,
    });
  });
  const men = [
    ['Lettre du ministre aux professeurs', 'Mesdames et Messieurs les professeurs, à l’occasion de cette rentrée, je souhaite vous remercier pour votre engagement.'],
    ['Enquête nationale sur le climat scolaire', 'Le ministère lance une enquête anonyme. Pour y répondre, suivez le lien https://enquetes.education.gouv.fr/climat-scolaire (10 minutes).'],
    ['Pacte enseignant : mise à jour des missions', 'Les missions du pacte peuvent être mises à jour dans l’application dédiée. Connectez-vous via Arena.'],
    ['Prime d’attractivité : versement en novembre', 'La prime sera versée avec le traitement de novembre. Elle figurera sur votre bulletin de paie.'],
  ];
  men.forEach(([subject, text], i) => {
    out.push({ id: `inst-men-${i}`, label: 'institutional', mailFrom: 'bounce@education.gouv.fr', helo: 'mx.education.gouv.fr', sign: 'education.gouv.fr', ip: '198.51.100.' + (10 + i), from: 'ne-pas-repondre@education.gouv.fr', fromName: 'Ministère de l’Éducation nationale', subject, text });
  });
  out.push({ id: 'inst-creteil-0', label: 'institutional', mailFrom: 'dpe@ac-creteil.fr', helo: 'mx.ac-creteil.fr', sign: 'ac-creteil.fr', ip: '198.51.100.70', from: 'ce.dpe@ac-creteil.fr', fromName: 'Rectorat de Créteil - DPE', subject: 'Échange de service inter-académique', text: 'Bonjour, suite à votre demande d’échange de service entre les académies de Paris et de Créteil, vous trouverez la convention à signer. Cordialement.' });
  out.push({ id: 'inst-region-0', label: 'institutional', mailFrom: 'comm@region-academique-idf.fr', helo: 'mx.region-academique-idf.fr', sign: 'region-academique-idf.fr', ip: '198.51.100.130', from: 'communication@region-academique-idf.fr', fromName: 'Région académique Île-de-France', subject: 'Semaine des mathématiques : appel à projets', text: 'La région académique lance l’appel à projets pour la semaine des mathématiques. Dossiers à déposer avant le 31 janvier.' });
  return out;
}

function colleagues(): Sample[] {
  const msgs = [
    ['Conseil de classe de 3e B', 'Salut, le conseil de classe de 3e B est décalé à jeudi 17 h en salle 204. Tu peux prévenir les délégués ? Merci !'],
    ['Sortie au musée d’Orsay', 'Bonjour à tous, la sortie est confirmée pour le 12. Il manque deux accompagnateurs. Qui est disponible ?'],
    ['Re: mot de passe du wifi', 'Le mot de passe du wifi de la salle informatique a changé, il est affiché au CDI. Ne le diffuse pas aux élèves.'],
    ['Sujets du brevet blanc', 'Voici les sujets du brevet blanc en pièce jointe. Relis le barème avant vendredi si tu peux.'],
    ['Réunion d’équipe pédagogique', 'On se retrouve lundi à 12 h 30 pour préparer la progression commune. J’apporte les cafés.'],
    ['Remplacement mardi', 'Je suis en formation mardi, peux-tu prendre ma 4e A en étude ? Le travail est sur Pronote.'],
    ['Projet Erasmus+', 'Le dossier Erasmus+ est à rendre le 15 : il manque ta partie sur la mobilité des élèves.'],
    ['Pronote : mes identifiants ne marchent plus', 'Bonjour, depuis ce matin je n’arrive plus à me connecter à Pronote avec mes identifiants. Tu as le même souci ?'],
    ['Commande de manuels', 'La commande de manuels de SVT est partie. Livraison prévue fin août.'],
    ['Fiche de voeux emploi du temps', 'N’oubliez pas de rendre vos fiches de vœux pour l’emploi du temps avant le 30 juin.'],
    ['Photos de classe', 'Le photographe passe le 3 octobre. Merci de prévoir 10 minutes par classe.'],
    ['Bilan du trimestre', 'Je te transmets le bilan du trimestre pour la 5e C. Moyenne en hausse, bravo à eux.'],
  ];
  return msgs.map(([subject, text], i) => {
    const p = person(i);
    const att = i === 3 ? [{ filename: 'brevet-blanc-maths.pdf', content: Buffer.from('%PDF-1.7\nbrevet blanc\n%%EOF'), contentType: 'application/pdf' }] : i === 11 ? [{ filename: 'bilan-5C.docx', content: Buffer.from('PK\u0003\u0004docx'), contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }] : undefined;
    return { id: `coll-${i}`, label: 'colleague' as const, mailFrom: `${ascii(p.first)}.${ascii(p.last)}@ac-paris.fr`, helo: 'smtp2.ac-paris.fr', ip: acp(i + 2), sign: 'ac-paris.fr', from: `${ascii(p.first)}.${ascii(p.last)}@ac-paris.fr`, fromName: `${p.first} ${p.last}`, subject, text: `${text}\n\n${p.first}`, attachments: att };
  });
}

function parents(): Sample[] {
  const providers: [string, string, string][] = [['gmail.com', '209.85.220.41', 'mail-sor-f41.google.com'], ['orange.fr', '80.12.242.10', 'smtp.orange.fr'], ['free.fr', '212.27.42.2', 'smtp1-g21.free.fr'], ['hotmail.fr', '40.92.18.5', 'eur05.outbound.protection.outlook.com'], ['laposte.net', '160.92.124.66', 'smtp.laposte.net'], ['wanadoo.fr', '80.12.242.12', 'smtp.orange.fr'], ['yahoo.fr', '87.248.110.8', 'sonic.mail.yahoo.com']];
  const msgs = [
    ['Absence de Lucas', 'Bonjour Madame, Lucas est malade et ne pourra pas venir en classe aujourd’hui ni demain. Cordialement.'],
    ['Mot de passe de l’ENT', 'Bonjour, ma fille a perdu le mot de passe de l’ENT et ne peut plus voir ses devoirs. Pouvez-vous nous aider à le réinitialiser ? Merci beaucoup.'],
    ['Rendez-vous', 'Bonjour Monsieur, serait-il possible de vous rencontrer pour parler des résultats de Inès ? Je suis disponible le mardi après 17 h.'],
    ['Sortie scolaire', 'Bonjour, je peux accompagner la sortie du 12. Faut-il une autorisation particulière ?'],
    ['Identifiants Pronote', 'Bonjour, nous n’avons jamais reçu nos identifiants Pronote parents. Pourriez-vous nous les renvoyer par courrier ? Merci.'],
    ['Retard ce matin', 'Bonjour, Adam sera en retard ce matin à cause d’un rendez-vous médical. Il arrivera vers 10 h.'],
    ['Cantine', 'Bonjour, à partir de lundi Noé ne mangera plus à la cantine le mercredi. Bonne journée.'],
    ['Question sur les devoirs', 'Bonjour, le devoir de français est-il pour lundi ou pour mardi ? Les enfants ne sont pas d’accord. Merci !'],
    ['Re: réunion parents-professeurs', 'Merci pour votre message, nous serons présents jeudi à 18 h.'],
    ['Certificat médical', 'Bonjour, veuillez trouver ci-joint le certificat médical pour la dispense de sport de Chloé.'],
    ['Compte ENT bloqué', 'Bonjour, le compte ENT de mon fils est bloqué après plusieurs erreurs de mot de passe. À qui dois-je m’adresser ? Cordialement.'],
    ['Voyage en Espagne', 'Bonjour, pouvez-vous me confirmer la date limite pour le paiement du voyage en Espagne ? Merci.'],
    ['Harcèlement', 'Bonjour, mon fils m’a parlé de moqueries répétées dans la cour. J’aimerais en parler avec vous rapidement.'],
    ['Bulletin du premier trimestre', 'Bonjour, nous n’avons pas reçu le bulletin du premier trimestre. Est-il disponible sur l’ENT ?'],
    ['Remerciements', 'Un grand merci pour le spectacle de fin d’année, les enfants étaient ravis !'],
    ['Orientation', 'Bonjour, ma fille hésite entre la seconde générale et un bac pro. Pouvons-nous en discuter ?'],
  ];
  return msgs.map(([subject, text], i) => {
    const [dom, ip, helo] = providers[i % providers.length];
    const p = person(i + 7);
    const local = `${ascii(p.first)}.${ascii(p.last)}${i % 3 ? i : ''}`;
    const att = i === 9 ? [{ filename: 'certificat-medical.jpg', content: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]), contentType: 'image/jpeg' }] : undefined;
    return { id: `parent-${i}`, label: 'parent' as const, mailFrom: `${local}@${dom}`, helo, ip, sign: dom === 'free.fr' ? undefined : dom, from: `${local}@${dom}`, fromName: `${p.first} ${p.last}`, subject, text: `${text}\n${p.first} ${p.last}`, attachments: att };
  });
}

function newsletters(): Sample[] {
  const list: [string, string, string, string, string][] = [
    ['nathan.fr', 'Éditions Nathan', 'Nouveautés de la rentrée : manuels numériques', 'Découvrez nos nouveaux manuels numériques pour le collège.', 'Découvrir les nouveautés'],
    ['cafepedagogique.net', 'Le Café pédagogique', 'L’expresso du jour', 'Au sommaire : la réforme du collège, un entretien, les ressources de la semaine.', 'Lire l’expresso'],
    ['mgen.fr', 'MGEN', 'Votre newsletter santé de novembre', 'Prévention, conseils et offres pour les adhérents de la MGEN.', 'Voir mes avantages'],
    ['camif.fr', 'Camif', 'Soldes : -30 % sur le mobilier de bureau', 'Profitez de nos soldes d’hiver sur une sélection de bureaux et de chaises.', 'J’en profite'],
    ['letudiant.fr', 'L’Etudiant', 'Parcoursup 2027 : le calendrier', 'Toutes les dates clés de Parcoursup pour accompagner vos élèves.', 'Consulter le calendrier'],
    ['fnac.com', 'Fnac', 'Votre commande a été expédiée', 'Votre commande n° 4589-2231 a été expédiée et sera livrée demain.', 'Suivre ma commande'],
    ['sncf-connect.com', 'SNCF Connect', 'Votre e-billet Paris - Lyon', 'Votre e-billet pour le 14 décembre est disponible dans votre application.', 'Voir mon billet'],
    ['pronote.net', 'PRONOTE', 'Nouveau message de la vie scolaire', 'Vous avez reçu un nouveau message dans votre espace PRONOTE.', 'Se connecter à PRONOTE'],
  ];
  const out: Sample[] = [];
  list.forEach(([dom, name, subject, text, cta], i) => {
    for (let k = 0; k < 2; k++) {
      const track = `https://click.esp-mail.net/ls/click?upn=${dom.replace(/\W/g, '')}${k}${i}`;
      out.push({
        id: `news-${dom}-${k}`, label: 'newsletter', mailFrom: `bounce-${i}${k}@esp-bounces.net`, helo: 'mta-01.esp-mail.net', ip: '185.41.28.' + (10 + i), sign: dom,
        from: `newsletter@${dom}`, fromName: name, subject: k ? `${subject} (suite)` : subject,
        text: `${text}\n${cta} : ${track}\nSe désinscrire : https://www.${dom}/desinscription`,
        html: `<html><body><h1>${subject}</h1><p>${text}</p><p><a href="${track}">${cta}</a></p><p><a href="${track}&l=home">www.${dom}</a></p><p><a href="https://www.${dom}/desinscription">Se désinscrire</a></p></body></html>`,
      });
    }
  });
  return out;
}

export function legitimateCorpus(): Sample[] {
  return [...institutional(), ...colleagues(), ...parents(), ...newsletters()];
}
