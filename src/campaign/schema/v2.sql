-- Version 2: each report kept in English too (an English page shows English messages, the
-- rows of version 1 keep their French one); the e-mails not sent for want of SMTP recorded with
-- whom they were for, so that the dashboard lists them and SMTP configured later sends them.
ALTER TABLE depots ADD COLUMN rapport_en TEXT;
ALTER TABLE reverifications ADD COLUMN rapport_en TEXT;
ALTER TABLE courriels ADD COLUMN envoye INTEGER NOT NULL DEFAULT 1;
ALTER TABLE courriels ADD COLUMN annee INTEGER;
ALTER TABLE courriels ADD COLUMN a TEXT NOT NULL DEFAULT '';
ALTER TABLE courriels ADD COLUMN objet TEXT NOT NULL DEFAULT '';
