# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'setup_recovery.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QCheckBox, QHBoxLayout, QLabel,
    QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget, QWizardPage)

class Ui_SetupRecoveryPage(object):
    def setupUi(self, SetupRecoveryPage):
        if not SetupRecoveryPage.objectName():
            SetupRecoveryPage.setObjectName(u"SetupRecoveryPage")
        self.mainLayout = QVBoxLayout(SetupRecoveryPage)
        self.mainLayout.setObjectName(u"mainLayout")
        self.keyLabel = QLabel(SetupRecoveryPage)
        self.keyLabel.setObjectName(u"keyLabel")
        self.keyLabel.setAlignment(Qt.AlignCenter)
        self.keyLabel.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.mainLayout.addWidget(self.keyLabel)

        self.adviceLabel = QLabel(SetupRecoveryPage)
        self.adviceLabel.setObjectName(u"adviceLabel")
        self.adviceLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.adviceLabel)

        self.buttonLayout = QHBoxLayout()
        self.buttonLayout.setObjectName(u"buttonLayout")
        self.previewButton = QPushButton(SetupRecoveryPage)
        self.previewButton.setObjectName(u"previewButton")

        self.buttonLayout.addWidget(self.previewButton)

        self.buttonSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonLayout.addItem(self.buttonSpacer)


        self.mainLayout.addLayout(self.buttonLayout)

        self.confirmCheck = QCheckBox(SetupRecoveryPage)
        self.confirmCheck.setObjectName(u"confirmCheck")

        self.mainLayout.addWidget(self.confirmCheck)

        self.verticalSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)


        self.retranslateUi(SetupRecoveryPage)

        QMetaObject.connectSlotsByName(SetupRecoveryPage)
    # setupUi

    def retranslateUi(self, SetupRecoveryPage):
        SetupRecoveryPage.setTitle(QCoreApplication.translate("SetupRecoveryPage", u"Your recovery sheet", None))
        SetupRecoveryPage.setSubTitle(QCoreApplication.translate("SetupRecoveryPage", u"The school database is made. This recovery key opens it if every password is forgotten or this computer is replaced. It is shown only now.", None))
        self.keyLabel.setText("")
#if QT_CONFIG(accessibility)
        self.keyLabel.setAccessibleDescription(QCoreApplication.translate("SetupRecoveryPage", u"Recovery key, shown only now", None))
#endif // QT_CONFIG(accessibility)
        self.adviceLabel.setText(QCoreApplication.translate("SetupRecoveryPage", u"Print the recovery sheet and keep it in a sealed envelope in the school safe. Do not photograph it or email it.", None))
        self.previewButton.setText(QCoreApplication.translate("SetupRecoveryPage", u"&Preview and print the sheet\u2026", None))
        self.confirmCheck.setText(QCoreApplication.translate("SetupRecoveryPage", u"I have printed the recovery sheet or &stored it somewhere safe", None))
    # retranslateUi

