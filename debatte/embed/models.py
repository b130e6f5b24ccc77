from django.db import models


class UsedSsoToken(models.Model):
    """SSO token ids already accepted, so a token cannot be replayed before it expires."""

    site = models.ForeignKey("articles.Site", on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=200)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "jti"], name="sso_token_used_once")]

    def __str__(self) -> str:
        return self.jti
