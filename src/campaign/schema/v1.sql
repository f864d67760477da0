-- The first schema. Names are the campaign's words (contrat « La campagne »).
CREATE TABLE campagnes (
    id INTEGER PRIMARY KEY,
    annee INTEGER NOT NULL UNIQUE,
    modele TEXT NOT NULL,
    date_limite TEXT NOT NULL,
    acceptation_automatique INTEGER NOT NULL DEFAULT 0,
    ouverte INTEGER NOT NULL DEFAULT 1,
    ouverte_le TEXT NOT NULL,
    close_le TEXT
);
CREATE TABLE reseaux_attendus (
    campagne INTEGER NOT NULL REFERENCES campagnes(id),
    code TEXT NOT NULL,
    nom TEXT NOT NULL,
    departement TEXT NOT NULL,
    rouvert INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campagne, code)
);
CREATE TABLE personnes (
    id INTEGER PRIMARY KEY,
    courriel TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('reseau', 'region')),
    actif INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE personnes_reseaux (
    personne INTEGER NOT NULL REFERENCES personnes(id),
    code TEXT NOT NULL,
    PRIMARY KEY (personne, code)
);
CREATE TABLE depots (
    id INTEGER PRIMARY KEY,
    campagne INTEGER NOT NULL REFERENCES campagnes(id),
    reseau TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    nom TEXT NOT NULL,
    taille INTEGER NOT NULL,
    depose_le TEXT NOT NULL,
    par INTEGER REFERENCES personnes(id),
    modele TEXT,
    modele_lu TEXT,
    erreurs INTEGER NOT NULL,
    avertissements INTEGER NOT NULL,
    infos INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    rapport TEXT NOT NULL,
    version_spro TEXT NOT NULL
);
CREATE INDEX depots_par_reseau ON depots (campagne, reseau, id);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    depot INTEGER NOT NULL REFERENCES depots(id),
    decision TEXT NOT NULL CHECK (decision IN ('accepte', 'a_corriger')),
    message TEXT,
    par INTEGER REFERENCES personnes(id),
    le TEXT NOT NULL,
    automatique INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX decisions_par_depot ON decisions (depot, id);
CREATE TABLE reverifications (
    id INTEGER PRIMARY KEY,
    depot INTEGER NOT NULL REFERENCES depots(id),
    le TEXT NOT NULL,
    verdict TEXT NOT NULL,
    erreurs INTEGER NOT NULL,
    avertissements INTEGER NOT NULL,
    rapport TEXT NOT NULL,
    version_spro TEXT NOT NULL
);
CREATE TABLE jetons (
    sha256 TEXT PRIMARY KEY,
    personne INTEGER NOT NULL REFERENCES personnes(id),
    sorte TEXT NOT NULL CHECK (sorte IN ('lien', 'session', 'api')),
    cree_le TEXT NOT NULL,
    expire_le TEXT,
    utilise_le TEXT,
    revoque INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE courriels (
    cle TEXT PRIMARY KEY,
    le TEXT NOT NULL
);
CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    le TEXT NOT NULL,
    evenement TEXT NOT NULL,
    personne TEXT,
    details TEXT NOT NULL,
    precedent TEXT NOT NULL,
    empreinte TEXT NOT NULL
);
