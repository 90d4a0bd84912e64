#include "DemoActivity.h"

namespace taskdesk::ui {

DemoActivity::DemoActivity(QObject* parent) : QObject(parent) {}

DemoActivity::~DemoActivity() = default;

} // namespace taskdesk::ui
