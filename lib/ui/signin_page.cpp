// The sign-in form and the licences page.
#include <fmt/format.h>

#include "ui/assets.hpp"
#include "ui/html.hpp"
#include "ui/page.hpp"

namespace linktrack::ui {

std::string signin_page(std::string_view csrf, std::string_view error, std::string_view next) {
  return fmt::format(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Sign in \u00b7 linktrack</title>"
      "<link rel=\"icon\" href=\"/ui/static/favicon.svg\" type=\"image/svg+xml\">"
      "<link rel=\"stylesheet\" href=\"/ui/static/app.css\"></head><body class=\"signin\">"
      "<main id=\"main\"><h1>linktrack</h1>"
      "<form method=\"post\" action=\"/ui/signin\" class=\"card\">{}"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<input type=\"hidden\" name=\"next\" value=\"{}\">"
      "<label for=\"key\">API key <small>(scope read or admin)</small></label>"
      "<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" "
      "required autofocus>"
      "<button type=\"submit\">Sign in</button></form>"
      "<p class=\"note\">A key from <code>api.keys</code>; <code>linktrack keys generate "
      "--api</code> makes one.</p></main></body></html>",
      error.empty() ? "" : fmt::format("<p class=\"error\" role=\"alert\">{}</p>", escape(error)),
      escape(csrf), escape(next));
}

std::string licenses_page(const PageContext& page) {
  const auto body = fmt::format(
      "<p>The dashboard draws its charts with Chart.js {}, served from this binary, as Debian's "
      "<code>libjs-chart.js</code> ships it. Its licence:</p><pre class=\"license\">{}</pre>"
      "<p>linktrack itself is under the Apache License 2.0.</p>",
      escape(chartjs_version()), escape(chartjs_license()));
  return render_frame(page, "Licences", "/ui/licenses", body, false);
}

}  // namespace linktrack::ui
