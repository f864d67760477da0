//! The campaign's e-mails, in French, plain text: what each says ([`Letter`]); how they leave
//! is the server's `[campagne.smtp]`. Without it nothing is sent: the commands and the
//! dashboard say who would have been written to.

/// One e-mail.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Letter {
    pub(crate) to: Vec<String>,
    pub(crate) subject: String,
    pub(crate) body: String,
}
