// The Auth form: a type picker, then that type's fields. Secret fields write to the keychain.
import { useEditor } from "./context";
import { SelectField, TextField, NumberField, JsonField, Group } from "./fields";
import { getIn, isObject, type Json, type Path } from "./json-path";
import { SecretField } from "./secret-field";

const AUTH_TYPES = [
  { value: "bearer", label: "Bearer token" },
  { value: "api_key", label: "API key" },
  { value: "http_basic", label: "User name and password (HTTP basic)" },
  { value: "oauth2_client_credentials", label: "OAuth2 client credentials" },
] as const;

export function authType(auth: unknown): string | undefined {
  if (typeof auth === "string") return auth;
  if (isObject(auth) && typeof auth.type === "string") return auth.type === "oauth2" ? "oauth2_client_credentials" : auth.type;
  return undefined;
}

export function AuthForm({ path, inherit }: { path: Path; inherit?: string }) {
  const { config, set } = useEditor();
  const auth = getIn(config, path);
  const type = authType(auth);
  const field = (key: string): Path => [...path, key];
  const pick = (next: string | undefined) => {
    if (next === undefined) set(path, undefined);
    else if (next !== type) set(path, { type: next } as Json);
  };
  return (
    <div data-testid="auth-form">
      <SelectField
        path={[...path, "type"]}
        label="How Sluice signs in to the API"
        unset={inherit ?? "No sign-in"}
        options={AUTH_TYPES}
        value={type ?? ""}
        onChange={pick}
      />
      {typeof auth === "string" && (
        <p class="hint">
          The token and other fields come from dlt's secrets when the pipeline runs. Pick the type again to fill them in here.
        </p>
      )}
      {isObject(auth) && type === "bearer" && <SecretField path={field("token")} label="Token" defaultName="token" />}
      {isObject(auth) && type === "api_key" && (
        <>
          <div class="form-grid">
            <TextField path={field("name")} label="Parameter or header name" placeholder="Authorization" />
            <SelectField
              path={field("location")}
              label="Sent in"
              unset="Default (header)"
              options={[
                { value: "header", label: "a header" },
                { value: "query", label: "the query string" },
                { value: "cookie", label: "a cookie" },
              ]}
            />
          </div>
          <SecretField path={field("api_key")} label="API key" defaultName="api_key" />
        </>
      )}
      {isObject(auth) && type === "http_basic" && (
        <>
          <SecretField path={field("username")} label="User name" defaultName="username" optional />
          <SecretField path={field("password")} label="Password" defaultName="password" />
        </>
      )}
      {isObject(auth) && type === "oauth2_client_credentials" && (
        <>
          <TextField
            path={field("access_token_url")}
            label="Token URL"
            placeholder="https://api.example.com/oauth/token"
            hint="Where Sluice exchanges the client id and secret for an access token."
          />
          <SecretField path={field("client_id")} label="Client id" defaultName="client_id" optional />
          <SecretField path={field("client_secret")} label="Client secret" defaultName="client_secret" />
          <Group title="Token request" columns>
            <SelectField
              path={field("client_auth")}
              label="Client id and secret sent as"
              unset="Default (form fields)"
              options={[
                { value: "form", label: "form fields" },
                { value: "basic", label: "HTTP basic auth (Sluice extension)" },
              ]}
            />
            <NumberField path={field("default_token_expiration")} label="Token lifetime (seconds)" placeholder="3600" />
          </Group>
          <JsonField
            path={field("access_token_request_data")}
            label="Extra token request fields (JSON)"
            placeholder={'{"scope": "read"}'}
          />
          <SecretField path={field("access_token")} label="Starting access token (optional)" defaultName="access_token" />
        </>
      )}
    </div>
  );
}
